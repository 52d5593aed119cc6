/** Per-user field-level security overrides: absent = full access (the admin-like default). */
export interface FieldAccess {
  readable: boolean;
  editable: boolean;
}

const FULL: FieldAccess = { readable: true, editable: true };

export class FieldPermissions {
  private readonly rules = new Map<string, Map<string, FieldAccess>>();

  private key(userId: string, object: string): string {
    return `${userId}|${object.toLowerCase()}`;
  }

  set(userId: string, object: string, field: string, access: FieldAccess): void {
    const k = this.key(userId, object);
    let m = this.rules.get(k);
    if (!m) {
      m = new Map();
      this.rules.set(k, m);
    }
    m.set(field.toLowerCase(), { readable: access.readable, editable: access.readable && access.editable });
  }

  get(userId: string | undefined, object: string, field: string): FieldAccess {
    if (!userId) return FULL;
    return this.rules.get(this.key(userId, object))?.get(field.toLowerCase()) ?? FULL;
  }

  clear(): void {
    this.rules.clear();
  }
}
