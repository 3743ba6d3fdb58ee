// A real OpenID Connect provider (the npm `oidc-provider` package) on loopback, for the
// single sign-on journeys. Anyone signs in as any address they type (its development login
// page); the address is their verified email and their name is made from it.
//
//   node oidc/provider.mjs PORT CLIENT_ID CLIENT_SECRET REDIRECT_URI
//
// Prints "ready ISSUER" once it listens.
import Provider from 'oidc-provider';

const [port, clientId, clientSecret, redirectUri] = process.argv.slice(2);
const issuer = `http://127.0.0.1:${port}`;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: [redirectUri],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    },
  ],
  pkce: { required: () => true },
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  async findAccount(_ctx, id) {
    return {
      accountId: id,
      async claims() {
        const local = id.split('@')[0];
        return { sub: id, email: id, email_verified: true, name: `${local[0].toUpperCase()}${local.slice(1)} Example` };
      },
    };
  },
  cookies: { keys: ['tessera-end-to-end'] },
});
provider.listen(Number(port), '127.0.0.1', () => console.log(`ready ${issuer}`));
