// What the mapping knows about this chart's schema: its own module so that map/* and map-values.ts both
// read it without importing each other.
import type { ComponentAnnotation, OfficialKeys } from '../schema/json-schema.js';

/** What the mapping needs to know about this chart's schema beyond the capabilities. */
export interface TargetFacts {
  /** Keys our podSecurityContext / containerSecurityContext accept. */
  podSecurityContextKeys: readonly string[];
  containerSecurityContextKeys: readonly string[];
  /** This chart's default Retool version (used when the official tag names none). */
  defaultVersion: string;
  /** Env this chart already sets per component (components.<key> -> NAME -> value): carried only when it differs. */
  builtInEnv: Record<string, Record<string, string>>;
  /** Components that have a javaDbConnector switch. */
  javaDbConnectorComponents: readonly string[];
  /** This chart's components (schema order): key, the boolean value that switches it on, whether it is Retool's backend. */
  components: ReadonlyArray<{ key: string; enabledBy?: string; enabledOverride?: string; retoolEnv: boolean; official?: OfficialKeys; officialProbes?: ComponentAnnotation['officialProbes'] }>;
}
