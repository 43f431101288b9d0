/** A refusal with the HTTP status and the code of DESIGN.md section 2. */
export interface Refusal {
  status: number;
  code: string;
  message: string;
}

export type Decision<T> = { ok: true; value: T } | { ok: false; refusal: Refusal };

export const refuse = (status: number, code: string, message: string): { ok: false; refusal: Refusal } => ({ ok: false, refusal: { status, code, message } });
