/** Salesforce's Pub/Sub API endpoint (all orgs): `host:port`, gRPC over TLS. */
export const PUBSUB_DEFAULT_ENDPOINT = 'api.pubsub.salesforce.com:7443';
