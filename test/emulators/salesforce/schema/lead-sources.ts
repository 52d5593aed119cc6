/** The Lead Source picklist a new org ships with (Account, Contact, Lead, Opportunity share it). */
export const LEAD_SOURCES = ['Web', 'Phone Inquiry', 'Partner Referral', 'Purchased List', 'Other'];
