//! Every proof at once, as an open banking or FAPI sandbox asks for them: a provider that
//! requires pushed authorization requests (RFC 9126), DPoP with server nonces (RFC 9449) and a
//! `private_key_jwt` client (RFC 7523). The link is pushed, the code exchanged with a fresh
//! assertion and a proof (a nonce demanded first, so the request is made again with a new
//! assertion: a replayed one would be refused), then the account is refreshed with the same
//! key and revoked, the revocation verified.

use grantry_core::providers::{ClientAuth, Provider};
use grantry_sandbox::{DpopSettings, Personality, SandboxConfig};

use crate::dpop::{as_bearer, stored, thumbprint};
use crate::private_key_jwt::{CLIENT, register};
use crate::pushed_authorization::pushed_link;
use crate::support::world_with;

#[tokio::test]
async fn pushed_with_dpop_and_private_key_jwt_then_refreshed_and_revoked() {
    let mut config = SandboxConfig::new(Personality::Generic);
    config.require_pushed_authorization_requests = true;
    config.dpop = DpopSettings {
        required: true,
        nonce: true,
    };
    let w = world_with(config).await;
    let mut provider: Provider = w.grantry.providers()[0].clone();
    provider.id = "signed".to_owned().try_into().expect("id");
    provider.name = "Every proof".into();
    let env = &mut provider.environments[0];
    env.client_id = CLIENT.into();
    env.client_auth = ClientAuth::PrivateKeyJwt;
    env.dpop = true;
    w.grantry.add_provider(provider).expect("add");
    let jwks = w.grantry.client_jwks("signed", None).await.expect("jwks");
    register(&w, jwks.jwks);

    let back = pushed_link(&w, "signed", CLIENT).await;
    let account = w.grantry.finish_link(&back).await.expect("link");
    let item = stored(&w);
    assert_eq!(item["token_type"], "DPoP");
    let jkt = thumbprint(&item);
    let access = item["access_token"].as_str().expect("access").to_owned();
    assert_eq!(
        as_bearer(&w, &access).await,
        401,
        "bound, not a bearer token"
    );
    let binding = w
        .grantry
        .inspect(account.id)
        .expect("inspect")
        .binding
        .expect("a DPoP binding in the Inspector");
    assert_eq!(binding.key_thumbprint, jkt);

    w.grantry.refresh(account.id).await.expect("refresh");
    let refreshed = stored(&w);
    assert_eq!(thumbprint(&refreshed), jkt, "the same key after a refresh");
    assert_ne!(refreshed["access_token"], item["access_token"]);

    let receipt = w.grantry.revoke(account.id).await.expect("revoke");
    assert!(receipt.verified, "{receipt:?}");
    assert!(w.sandbox_grants().await[0]["revoked"].is_string());
}
