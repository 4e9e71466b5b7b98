//! The admin API under `/_sandbox/` (src/routes/admin.rs): users, clients and grants.

use crate::support;

use grantry_sandbox::Personality;
use reqwest::StatusCode;
use serde_json::json;
use support::{SECRET, generic_request, start};

#[tokio::test]
async fn the_admin_api_adds_users_and_clients_and_revokes_grants() {
    let h = start(Personality::Generic).await;
    assert_eq!(
        h.admin("/users", json!({"login": "erin", "name": "Erin QA"}))
            .await,
        StatusCode::CREATED
    );
    assert_eq!(
        h.admin("/users", json!({"login": "erin"})).await,
        StatusCode::CONFLICT
    );
    assert_eq!(
        h.admin("/users", json!({"login": "Not Valid"})).await,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        h.admin("/users", json!({"name": "no login"})).await,
        StatusCode::BAD_REQUEST
    );
    let (_, overview) = h.admin_get("").await;
    assert!(
        overview["users"]
            .as_array()
            .expect("users")
            .iter()
            .any(|u| u["name"] == "Erin QA")
    );
    assert!(
        overview.to_string().find(SECRET).is_none(),
        "the overview never shows secrets"
    );

    let client = json!({"client_id": "qa-app", "name": "QA app", "auth": "none",
                        "redirect_uris": ["com.example.qa:/cb"]});
    assert_eq!(h.admin("/clients", client).await, StatusCode::CREATED);
    let bad =
        json!({"client_id": "x", "name": "x", "auth": "secret", "redirect_uris": ["not a uri"]});
    assert_eq!(h.admin("/clients", bad).await, StatusCode::BAD_REQUEST);
    let mut qa = generic_request().client("qa-app");
    qa.redirect_uri = "com.example.qa:/cb".into();
    let tokens = h.link(&qa, "alice").await;
    let grant_id = h.grants().await[0]["id"].as_u64().expect("id");
    assert_eq!(
        h.admin(&format!("/grants/{grant_id}/revoke"), json!({}))
            .await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        h.userinfo_status(tokens["access_token"].as_str()).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        h.admin("/grants/999/revoke", json!({})).await,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_admin_api_takes_one_scope_out_of_a_grant() {
    let h = start(Personality::Generic).await;
    let tokens = h.link(&generic_request(), "alice").await;
    let grant_id = h.grants().await[0]["id"].as_u64().expect("id");
    // Like every admin route: a web page, without the admin token and from another origin,
    // cannot take a scope away.
    let foreign = reqwest::Client::new()
        .delete(format!(
            "{}/_sandbox/grants/{grant_id}/scopes/email",
            h.issuer()
        ))
        .header("origin", "http://evil.example")
        .send()
        .await
        .expect("request");
    assert!(foreign.status().is_client_error(), "{}", foreign.status());
    assert!(
        h.grants().await[0]["scopes"]
            .to_string()
            .contains("\"email\"")
    );
    assert_eq!(
        h.admin_delete(&format!("/grants/{grant_id}/scopes/email"))
            .await,
        StatusCode::NO_CONTENT
    );
    let grant = &h.grants().await[0];
    assert!(
        !grant["scopes"].to_string().contains("\"email\""),
        "{grant}"
    );
    assert!(
        grant["declined"].to_string().contains("\"email\""),
        "{grant}"
    );
    let access = tokens["access_token"].as_str().expect("access token");
    let (_, introspected) = h
        .post_form(
            "/introspect",
            &[("token", access), ("client_id", "grantry-desktop")],
        )
        .await;
    let scope = introspected["scope"].as_str().expect("scope");
    assert!(!scope.split(' ').any(|s| s == "email"), "{introspected}");
    assert_eq!(
        h.admin_delete(&format!("/grants/{grant_id}/scopes/email"))
            .await,
        StatusCode::NOT_FOUND,
        "it no longer holds it"
    );
    assert_eq!(
        h.admin_delete("/grants/999/scopes/email").await,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn removing_a_user_revokes_the_grants_they_gave() {
    let h = start(Personality::Generic).await;
    let alice = h.link(&generic_request(), "alice").await;
    let bob = h.link(&generic_request(), "bob").await;
    let fault = json!({"kind": "invalid_grant", "user": "alice", "count": null});
    assert_eq!(h.admin("/faults", fault).await, StatusCode::CREATED);

    assert_eq!(h.admin_delete("/users/alice").await, StatusCode::OK);
    let (_, users) = h.admin_get("/users").await;
    assert!(!users.to_string().contains("\"alice\""), "{users}");
    assert_eq!(
        h.userinfo_status(alice["access_token"].as_str()).await,
        StatusCode::UNAUTHORIZED,
        "the removed user's tokens stop working"
    );
    assert_eq!(
        h.userinfo_status(bob["access_token"].as_str()).await,
        StatusCode::OK,
        "another user's stay"
    );
    let grants = h.grants().await;
    let revoked: Vec<_> = grants.iter().filter(|g| g["sub"] == "user-alice").collect();
    assert_eq!(revoked.len(), 1, "the grant stays listed: {grants:?}");
    assert_eq!(
        revoked[0]["revoked"],
        "the test user was removed from the sandbox"
    );
    let (_, faults) = h.admin_get("/faults").await;
    assert_eq!(faults["faults"], json!([]), "the user's fault went too");

    let (status, error) = {
        let request = h
            .http
            .delete(format!("{}/_sandbox/users/alice", h.issuer()))
            .bearer_auth(h.sandbox.admin_token());
        let response = request.send().await.expect("DELETE");
        (
            response.status(),
            response.json::<serde_json::Value>().await.expect("json"),
        )
    };
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(error["error_description"], "no test user \"alice\"");
    assert_eq!(
        h.admin("/users", json!({"login": "alice"})).await,
        StatusCode::CREATED,
        "the login can be used again"
    );
}

#[tokio::test]
async fn removing_a_client_revokes_its_grants_but_grantry_s_own_stays() {
    let h = start(Personality::Generic).await;
    let client = json!({"client_id": "qa-app", "name": "QA app", "auth": "none",
                        "redirect_uris": ["com.example.qa:/cb"]});
    assert_eq!(h.admin("/clients", client).await, StatusCode::CREATED);
    let mut qa = generic_request().client("qa-app");
    qa.redirect_uri = "com.example.qa:/cb".into();
    let tokens = h.link(&qa, "alice").await;
    let desktop = h.link(&generic_request(), "alice").await;

    assert_eq!(h.admin_delete("/clients/qa-app").await, StatusCode::OK);
    let (_, overview) = h.admin_get("").await;
    assert!(
        !overview["clients"].to_string().contains("qa-app"),
        "{overview}"
    );
    assert_eq!(
        h.userinfo_status(tokens["access_token"].as_str()).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        h.userinfo_status(desktop["access_token"].as_str()).await,
        StatusCode::OK
    );
    assert_eq!(
        h.admin_delete("/clients/qa-app").await,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        h.admin_delete("/clients/grantry-desktop").await,
        StatusCode::BAD_REQUEST,
        "the app links through it"
    );
    let (_, overview) = h.admin_get("").await;
    let clients = overview["clients"].as_array().expect("clients");
    let removable: Vec<(&str, bool)> = clients
        .iter()
        .map(|c| {
            (
                c["client_id"].as_str().unwrap_or_default(),
                c["removable"] == true,
            )
        })
        .collect();
    assert_eq!(
        removable,
        [("grantry-desktop", false), ("grantry-confidential", true)],
        "the overview says which can go"
    );
}

#[tokio::test]
async fn one_fault_is_cleared_by_its_id_and_the_others_stay() {
    let h = start(Personality::Generic).await;
    let (status, first) = h
        .admin_post(
            "/faults",
            json!({"endpoint": "discovery", "kind": "status", "status": 503, "count": null}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (_, second) = h
        .admin_post(
            "/faults",
            json!({"endpoint": "jwks", "kind": "malformed_json"}),
        )
        .await;
    let (_, third) = h
        .admin_post("/faults", json!({"kind": "invalid_grant", "user": "bob"}))
        .await;
    let (_, refusals) = h
        .admin_post("/faults", json!({"kind": "refuse_connections", "count": 5}))
        .await;
    let ids: Vec<u64> = [&first, &second, &third, &refusals]
        .iter()
        .map(|answer| answer["id"].as_u64().expect("id"))
        .collect();
    let (_, listed) = h.admin_get("/faults").await;
    let listed_ids: Vec<u64> = listed["faults"]
        .as_array()
        .expect("faults")
        .iter()
        .map(|f| f["id"].as_u64().expect("id"))
        .collect();
    assert_eq!(
        listed_ids, ids,
        "each listed with the id it was given: {listed}"
    );
    assert_eq!(listed["faults"][2]["user"], "bob");

    // Clearing the refused connections first, so the requests below get through.
    assert_eq!(
        h.admin_delete(&format!("/faults/{}", ids[3])).await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        h.admin_delete(&format!("/faults/{}", ids[0])).await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        h.get_json("/.well-known/openid-configuration", None)
            .await
            .0,
        StatusCode::OK,
        "the cleared fault no longer applies"
    );
    assert_eq!(
        h.admin_delete(&format!("/faults/{}", ids[2])).await,
        StatusCode::NO_CONTENT
    );
    let (_, listed) = h.admin_get("/faults").await;
    assert_eq!(
        listed["faults"].as_array().expect("faults").len(),
        1,
        "{listed}"
    );
    assert_eq!(listed["faults"][0]["id"], ids[1]);
    assert_eq!(listed["faults"][0]["kind"], "malformed_json");
    assert_eq!(
        h.admin_delete(&format!("/faults/{}", ids[0])).await,
        StatusCode::NOT_FOUND,
        "gone already"
    );
    assert_eq!(h.admin_delete("/faults/987").await, StatusCode::NOT_FOUND);
    let (status, _) = h
        .admin_post("/faults", json!({"kind": "html_error", "count": 0}))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "a fault for no request");
}

#[tokio::test]
async fn in_process_admin_refuses_bad_input_and_changes_nothing() {
    use grantry_sandbox::{AdminError, Endpoint, Fault, FaultKind, NewUser};
    let h = start(Personality::Generic).await;
    let admin = h.sandbox.admin();
    let before = admin.overview();
    let bad_login = NewUser {
        login: "Dora!".into(),
        ..NewUser::default()
    };
    assert!(matches!(
        admin.add_user(bad_login),
        Err(AdminError::Invalid(_))
    ));
    assert!(matches!(
        admin.add_user(NewUser {
            login: "alice".into(),
            ..NewUser::default()
        }),
        Err(AdminError::Conflict(_))
    ));
    assert!(matches!(
        admin.remove_user("nobody"),
        Err(AdminError::NotFound(_))
    ));
    let fault = |kind, count| Fault {
        endpoint: Endpoint::Token,
        kind,
        count,
    };
    let refused = admin.add_fault(fault(
        FaultKind::Status {
            status: 42,
            retry_after: None,
        },
        None,
    ));
    assert!(matches!(refused, Err(AdminError::Invalid(_))));
    let refused = admin.add_fault(fault(
        FaultKind::InvalidGrant {
            user: "nobody".into(),
        },
        None,
    ));
    assert!(matches!(refused, Err(AdminError::Invalid(_))));
    assert_eq!(admin.overview(), before);
    assert!(admin.faults().is_empty());

    let dora = admin
        .add_user(NewUser {
            login: "dora".into(),
            name: Some("Dora QA".into()),
            email: None,
        })
        .expect("added");
    assert_eq!(dora.email, "dora@sandbox.grantry.test");
    let (_, users) = h.admin_get("/users").await;
    assert!(
        users.to_string().contains("Dora QA"),
        "the HTTP API sees it: {users}"
    );
    let id = admin
        .add_fault(fault(FaultKind::Latency { ms: 10 }, Some(3)))
        .expect("added");
    assert_eq!(admin.faults()[0].id, id);
    assert_eq!(admin.faults()[0].fault.count, Some(3));
    admin.remove_fault(id).expect("removed");
    assert!(admin.faults().is_empty());
}
