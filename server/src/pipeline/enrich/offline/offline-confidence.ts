/**
 * Confidence of offline values (0..1). 1 is for deterministic normalisation of what the record already says; lower
 * values mark where a list or a rule of thumb decided, so a paid provider's answer can outrank them.
 */
export const OFFLINE_CONFIDENCE = {
  /** Syntax checks and normalisation: email_normalized, email_status invalid / valid_format, linkedin_url. */
  deterministic: 1,
  /** Found in a maintained list (disposable domains, free-mail domains, role mailboxes): lists lag reality a little. */
  listLookup: 0.95,
  /** A name kept as written because its casing looked deliberate. */
  nameKept: 1,
  /** A name recased by rule (particles, Mc, apostrophes): right for most names, not for every family's spelling. */
  nameRecased: 0.9,
  /** A number written with its country code (+44 …, 0044 …): no region was assumed. */
  phoneInternational: 1,
  /** A national number read in the region of the record's country field. */
  phoneRecordCountry: 0.95,
  /** A national number read in the default region: the record gave no usable country. */
  phoneDefaultRegion: 0.8,
  /** Seniority decided by a rank word (Chief, VP, Director, Head, Manager, Senior, …). */
  seniorityRankWord: 0.85,
  /** 'Entry' because the title has no rank word: titles such as "Consultant" can hide seniority. */
  seniorityDefault: 0.7,
  /** Department decided by a function word or phrase in the title. */
  departmentFunctionWord: 0.85,
  /** Executive (top rank, no function named) or Other (no function named). */
  departmentDefault: 0.6,
  /** company.domain from the Website field: nearly always the company's own site. */
  companyDomainFromWebsite: 0.95,
  /** company.domain from a work email: usually the company's domain, sometimes a mail sub-domain or a parent's. */
  companyDomainFromEmail: 0.8,
} as const;
