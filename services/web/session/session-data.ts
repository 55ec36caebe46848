import type { FlashMessage, ViewUser } from '../../../views/page-context.js';

// Everything Urna keeps in a session. Never a passphrase, a ballot or a GitHub token: sessions are
// stored in the database, which the secrecy target assumes an attacker may read.
declare module 'express-session' {
  interface SessionData {
    user: ViewUser;
    csrfToken: string;
    /** Where to go after the OAuth round trip; validated when stored and when used. */
    returnTo: string;
    flash: FlashMessage[];
  }
}

export {};
