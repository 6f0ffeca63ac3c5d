// Types of the demo receiver's exports used by the tests (test/support/webhook-receiver.ts).
export function verifySignature(secret: string, rawBody: string | Uint8Array, header: string | null | undefined): boolean;
