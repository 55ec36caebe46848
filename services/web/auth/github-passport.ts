import passport from 'passport';
import { Strategy as GitHubStrategy, type Profile, type StrategyOptions } from 'passport-github2';
import type { Kernel } from '../../../shared/kernel/kernel.js';
import type { User } from '../../../shared/db/repositories/users.repository.js';

/**
 * GitHub OAuth, with base and API URLs from config so GitHub Enterprise works too. No scope is
 * asked for (public profile only), `state` is checked against the session, and the access token
 * is used once to read the login, then dropped: it is never stored.
 */
export function githubPassport(kernel: Kernel): passport.Authenticator | null {
  const { github, appUrl } = kernel.config;
  if (!github.clientId || !github.clientSecret) return null;
  const options: StrategyOptions = {
    clientID: github.clientId,
    clientSecret: github.clientSecret,
    callbackURL: `${appUrl}${github.redirectPath}`,
    authorizationURL: `${github.baseUrl}/login/oauth/authorize`,
    tokenURL: `${github.baseUrl}/login/oauth/access_token`,
    userProfileURL: `${github.apiUrl}/user`,
    scope: [],
  };
  // A random state per sign-in, kept in the session and checked on the callback (typed as a
  // string in @types, a boolean switch at run time).
  Object.assign(options, { state: true });
  const authenticator = new passport.Passport();
  authenticator.use(new GitHubStrategy(
    options,
    (_accessToken: string, _refreshToken: string, profile: Profile, done: (err: unknown, user?: User | false) => void) => {
      const login = profile.username;
      if (!login) return done(null, false);
      kernel.repos.users.upsertByLogin(login, profile.displayName || null, kernel.now()).then((u) => done(null, u), done);
    },
  ));
  return authenticator;
}
