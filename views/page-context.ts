// What every page and fragment may know about the request it renders for. The web layer builds
// it (services/web/render.ts); views stay pure functions of (context, data) → Html.

export interface FlashMessage {
  kind: 'info' | 'success' | 'error';
  text: string;
}

export interface ViewUser {
  id: string;
  login: string;
  name: string | null;
}

export interface Assets {
  css: string;
  htmx: string;
  app: string;
  ballot: string;
  icon: string;
}

export interface PageContext {
  appName: string;
  /** The CSP nonce of this response; every <script> carries it. */
  nonce: string;
  /** Path and query of this request, for "sign in and come back here". */
  path: string;
  user: ViewUser | null;
  /** The session's CSRF token, created on first use (so anonymous pages without forms stay sessionless). */
  csrfToken(): string;
  /** Messages left by the previous request (post/redirect/get); read once. */
  flash: FlashMessage[];
  assets: Assets;
  devLogin: boolean;
  githubLogin: boolean;
  minPasscodeLength: number;
}
