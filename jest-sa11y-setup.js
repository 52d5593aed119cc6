// Registers the sa11y `toBeAccessible()` matcher for every LWC jest test.
import { registerSa11yMatcher } from '@sa11y/jest';

registerSa11yMatcher();
