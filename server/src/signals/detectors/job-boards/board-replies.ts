import { z } from 'zod';
import type { OpenRole } from './open-role';

/** Greenhouse `GET /v1/boards/{token}/jobs?content=true` (departments only come with `content=true`). */
const greenhouseReply = z.object({
  jobs: z.array(
    z.looseObject({
      id: z.union([z.number(), z.string()]),
      title: z.string(),
      absolute_url: z.string().nullish(),
      departments: z.array(z.looseObject({ name: z.string() })).nullish(),
      offices: z.array(z.looseObject({ name: z.string() })).nullish(),
    }),
  ),
});

/** Lever `GET /v0/postings/{site}?mode=json`: a bare array of postings. */
const leverReply = z.array(
  z.looseObject({
    id: z.string(),
    text: z.string(),
    hostedUrl: z.string().nullish(),
    categories: z.looseObject({ department: z.string().nullish(), team: z.string().nullish() }).nullish(),
  }),
);

/** Ashby `GET /posting-api/job-board/{name}`: `{apiVersion, jobs}`; unlisted jobs are not open roles. */
const ashbyReply = z.object({
  jobs: z.array(
    z.looseObject({
      id: z.string().nullish(),
      title: z.string(),
      department: z.string().nullish(),
      team: z.string().nullish(),
      isListed: z.boolean().nullish(),
      jobUrl: z.string().nullish(),
    }),
  ),
});

export function greenhouseRoles(json: unknown): OpenRole[] | undefined {
  const parsed = greenhouseReply.safeParse(json);
  if (!parsed.success) return undefined;
  return parsed.data.jobs.map((job) => ({
    id: String(job.id),
    title: job.title,
    department: job.departments?.[0]?.name,
    team: job.offices?.map((office) => office.name).join(' '),
    url: job.absolute_url ?? undefined,
  }));
}

export function leverRoles(json: unknown): OpenRole[] | undefined {
  const parsed = leverReply.safeParse(json);
  if (!parsed.success) return undefined;
  return parsed.data.map((posting) => ({
    id: posting.id,
    title: posting.text,
    department: posting.categories?.department ?? undefined,
    team: posting.categories?.team ?? undefined,
    url: posting.hostedUrl ?? undefined,
  }));
}

export function ashbyRoles(json: unknown): OpenRole[] | undefined {
  const parsed = ashbyReply.safeParse(json);
  if (!parsed.success) return undefined;
  return parsed.data.jobs
    .filter((job) => job.isListed !== false)
    .map((job) => ({
      // Ashby's documented sample has no id; the posting URL names the job as well.
      id: job.id ?? job.jobUrl ?? job.title,
      title: job.title,
      department: job.department ?? undefined,
      team: job.team ?? undefined,
      url: job.jobUrl ?? undefined,
    }));
}
