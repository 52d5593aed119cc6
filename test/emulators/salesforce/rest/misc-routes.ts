/** The version resource map, /limits and /limits/recordCount. */
import type { Api } from './api';

const LIMIT_MAX: Record<string, number> = {
  ActiveScratchOrgs: 3,
  AnalyticsExternalDataSizeMB: 40960,
  ConcurrentAsyncGetReportInstances: 200,
  ConcurrentEinsteinDataInsightsStoryCreation: 5,
  ConcurrentEinsteinDiscoveryStoryCreation: 2,
  ConcurrentSyncReportRuns: 20,
  DailyAnalyticsDataflowJobExecutions: 60,
  DailyAnalyticsUploadedFilesSizeMB: 51200,
  DailyFunctionsApiCallLimit: 235000,
  DailyApiRequests: 15000,
  DailyAsyncApexExecutions: 250000,
  DailyAsyncApexTests: 500,
  DailyBulkApiBatches: 15000,
  DailyBulkV2QueryFileStorageMB: 976562,
  DailyBulkV2QueryJobs: 10000,
  DailyDeliveredPlatformEvents: 10000,
  DailyDurableGenericStreamingApiEvents: 10000,
  DailyDurableStreamingApiEvents: 10000,
  DailyEinsteinDataInsightsStoryCreation: 1000,
  DailyEinsteinDiscoveryPredictAPICalls: 50000,
  DailyEinsteinDiscoveryPredictionsByCDC: 5000000,
  DailyEinsteinDiscoveryStoryCreation: 100,
  DailyGenericStreamingApiEvents: 10000,
  DailyScratchOrgs: 6,
  DailyStandardVolumePlatformEvents: 10000,
  DailyStreamingApiEvents: 10000,
  DailyWorkflowEmails: 100000,
  DataStorageMB: 1024,
  DurableStreamingApiConcurrentClients: 20,
  FileStorageMB: 1024,
  HourlyAsyncReportRuns: 1200,
  HourlyDashboardRefreshes: 200,
  HourlyDashboardResults: 5000,
  HourlyDashboardStatuses: 999999999,
  HourlyLongTermIdMapping: 100000,
  HourlyManagedContentPublicRequests: 50000,
  HourlyODataCallout: 20000,
  HourlyPublishedPlatformEvents: 50000,
  HourlyPublishedStandardVolumePlatformEvents: 1000,
  HourlyShortTermIdMapping: 100000,
  HourlySyncReportRuns: 500,
  HourlyTimeBasedWorkflow: 1000,
  MassEmail: 5000,
  MonthlyEinsteinDiscoveryStoryCreation: 500,
  Package2VersionCreates: 6,
  Package2VersionCreatesWithoutValidation: 500,
  PermissionSets: 1500,
  PlatformEventTriggersWithParallelProcessing: 5,
  PrivateConnectOutboundCalloutHourlyLimitMB: 0,
  SingleEmail: 5000,
  StreamingApiConcurrentClients: 20,
};

export function registerMiscRoutes(api: Api): void {
  const org = api.org;

  api.add('GET', '', 'versions', (req) => {
    const base = `/services/data/v${req.version}`;
    const names = [
      'tooling',
      'metadata',
      'eclair',
      'folders',
      'prechatForms',
      'contact-tracing',
      'chatter',
      'tabs',
      'appMenu',
      'quickActions',
      'queryAll',
      'commerce',
      'wave',
      'iot',
      'analytics',
      'search',
      'identity',
      'composite',
      'parameterizedSearch',
      'fingerprint',
      'theme',
      'nouns',
      'event',
      'serviceTemplates',
      'recent',
      'connect',
      'licensing',
      'limits',
      'process',
      'async-queries',
      'query',
      'match',
      'emailConnect',
      'compactLayouts',
      'knowledgeManagement',
      'sobjects',
      'actions',
      'support',
      'jobs',
      'uiapi',
    ];
    const map: Record<string, string> = {};
    for (const n of names)
      map[n] = n === 'identity' ? `${org.instanceUrl}/id/${org.orgId}/${req.auth.userId}` : `${base}/${n}`;
    return { status: 200, body: map };
  });

  api.add('GET', '/limits', 'limits', () => {
    const out: Record<string, unknown> = {};
    for (const [k, max] of Object.entries(LIMIT_MAX)) out[k] = { Max: max, Remaining: max };
    out.DailyApiRequests = {
      Max: org.usage.dailyApiLimit,
      Remaining: Math.max(0, org.usage.dailyApiLimit - org.usage.apiUsed),
    };
    out.PermissionSets = { Max: 1500, Remaining: 1500, CreateCustom: { Max: 1000, Remaining: 1000 } };
    return { status: 200, body: out };
  });

  // `sf org list sobject record-counts`: live records per object, all objects unless `sObjects` names some.
  api.add('GET', '/limits/recordCount', 'limits', (req) => {
    const wanted = req.query.sObjects?.split(',').map((n) => n.trim().toLowerCase());
    const sObjects = org.catalog
      .listObjects()
      .filter((o) => o.kind !== 'platformEvent' && (!wanted || wanted.includes(o.name.toLowerCase())))
      .map((o) => {
        let count = 0;
        for (const row of org.store.table(o).values()) if (row.IsDeleted !== true) count++;
        return { count, name: o.name };
      })
      .filter((o) => wanted || o.count > 0);
    return { status: 200, body: { sObjects } };
  });
}
