// The preview page: synthetic shadow first (global SLDS CSS must reach LBC internals, as in Lightning Experience),
// then the record page that places the force-app components.
import '@lwc/synthetic-shadow';
import { mountRecordPage } from './record-page';

mountRecordPage(document.getElementById('preview-root'));
