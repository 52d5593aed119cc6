// lightning/platformShowToastEvent in the preview: the same event the platform listens for; the preview page shows it.
export class ShowToastEvent extends CustomEvent {
  constructor(toast) {
    super('lightning__showtoast', { bubbles: true, composed: true, cancelable: true, detail: toast });
  }
}
