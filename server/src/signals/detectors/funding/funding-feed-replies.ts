import { z } from 'zod';

const identifier = z.looseObject({
  uuid: z.string(),
  value: z.string().nullish(),
  permalink: z.string().nullish(),
});

/** One funding round of a Crunchbase v4 `searches/funding_rounds` reply (`entities[].properties`). */
export const fundingRoundEntity = z.looseObject({
  uuid: z.string(),
  properties: z.looseObject({
    identifier: identifier.nullish(),
    announced_on: z.string().regex(/^\d{4}-\d{2}-\d{2}/),
    investment_type: z.string().nullish(),
    money_raised: z
      .looseObject({ value: z.number().nullish(), currency: z.string().nullish(), value_usd: z.number().nullish() })
      .nullish(),
    funded_organization_identifier: identifier,
    investor_identifiers: z.array(identifier).nullish(),
    lead_investor_identifiers: z.array(identifier).nullish(),
  }),
});
export type FundingRoundEntity = z.infer<typeof fundingRoundEntity>;

export const fundingRoundsReply = z.looseObject({
  count: z.number().optional(),
  entities: z.array(fundingRoundEntity),
});

/** One organization of a `searches/organizations` reply: its website is how a round is matched to an Account. */
export const organizationsReply = z.looseObject({
  entities: z.array(
    z.looseObject({
      uuid: z.string(),
      properties: z.looseObject({
        website_url: z.string().nullish(),
        website: z.looseObject({ value: z.string().nullish() }).nullish(),
      }),
    }),
  ),
});
