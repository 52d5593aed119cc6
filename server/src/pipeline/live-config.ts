import type { ConfigLoader } from '../config/config-loader';
import type { LoopConfig, SourceConfig } from '../config/loop-config';
import type { RecordObject } from '../domain/mirror-record';
import type { Logger } from '../lib/logger';
import type { DescribeCache } from '../salesforce/schema/describe-cache';
import { mirrorFieldsFor, type MirrorFieldSet } from './import/mirror-fields';
import type { ConfigSnapshot } from './import/source-change-applier';

const EMPTY_CONFIG: LoopConfig = {
  sources: [],
  audiences: [],
  fieldMaps: [],
  actionAudienceIds: [],
  actions: [],
  signalRules: [],
  problems: [],
  loadedAt: '',
};

/**
 * The configuration the loop runs on right now, and what it implies: the fields mirrored per object. Every stage
 * reads it through `current`, so a reload swaps one object and the next batch sees the new rules.
 */
export class LiveConfig {
  private config: LoopConfig = EMPTY_CONFIG;
  private fieldSets = new Map<RecordObject, MirrorFieldSet>();
  /** `mirroredFields` of the current field sets, by object. */
  private mirrored = new Map<RecordObject, ReadonlySet<string>>();
  private readonly loadedListeners = new Set<(config: LoopConfig) => Promise<void>>();

  constructor(
    private readonly loader: ConfigLoader,
    private readonly describes: DescribeCache,
    private readonly logger: Logger,
  ) {}

  get current(): LoopConfig {
    return this.config;
  }

  /** The mirrored fields of an object that some active source imports. */
  fieldSet(object: RecordObject): MirrorFieldSet | undefined {
    return this.fieldSets.get(object);
  }

  /** Every field name a change event may patch into the mirror for this object. */
  mirroredFields(object: RecordObject): ReadonlySet<string> {
    // Built once per load: the intake asks for every change event, its echoes included (issue 19).
    let names = this.mirrored.get(object);
    if (!names) {
      const set = this.fieldSets.get(object);
      names = new Set(set ? [...set.fields, ...set.parentFields] : []);
      this.mirrored.set(object, names);
    }
    return names;
  }

  /** The configuration and mirrored fields as they are now, for comparing with the next load. */
  snapshot(): ConfigSnapshot {
    const fieldSets = this.fieldSets;
    return {
      config: this.config,
      mirroredFields: (object) => {
        const set = fieldSets.get(object);
        return new Set(set ? [...set.fields, ...set.parentFields] : []);
      },
    };
  }

  /** The active Salesforce sources of an object (a record is included when any of them includes it). */
  sourcesOf(object: RecordObject): SourceConfig[] {
    return this.config.sources.filter((s) => s.object === object);
  }

  /** Objects some active source imports. */
  objects(): RecordObject[] {
    return [...new Set(this.config.sources.map((s) => s.object))];
  }

  /** Runs after every load (start and reloads), e.g. to sync the signal detectors' schedules with the rules. */
  onLoaded(listener: (config: LoopConfig) => Promise<void>): void {
    this.loadedListeners.add(listener);
  }

  async load(): Promise<LoopConfig> {
    const config = await this.loader.load();
    const account = await this.describes.describe('Account').catch(() => undefined);
    const fieldSets = new Map<RecordObject, MirrorFieldSet>();
    for (const object of new Set(config.sources.map((s) => s.object))) {
      fieldSets.set(object, mirrorFieldsFor(object, config, await this.describes.describe(object), account));
    }
    this.config = config;
    this.fieldSets = fieldSets;
    this.mirrored = new Map();
    this.logger.info(
      {
        sources: config.sources.length,
        audiences: config.audiences.length,
        fieldMaps: config.fieldMaps.length,
        problems: config.problems.length,
      },
      'configuration loaded',
    );
    for (const listener of this.loadedListeners) await listener(config);
    return config;
  }
}
