//! Many replicas, one truth: three gateway processes (`tests/src/bin/replica.rs`, the
//! `partnerworld` program) on one PostgreSQL database and one Redis, as the chart runs
//! them behind a Service.

use serde_json::{Value, json};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tests::ws::{Frame, WsClient};
use tests::{Backend, TestApp};

/// One gateway process.
struct Replica {
    addr: SocketAddr,
    child: Child,
}

/// What the replicas of one test share: the database, the Redis prefix, the budgets.
#[derive(Clone)]
struct Cluster {
    database_url: String,
    redis_prefix: String,
    rate_limit_requests: u32,
}

impl Cluster {
    async fn new(rate_limit_requests: u32) -> Self {
        Self {
            database_url: tests::fresh_database(Backend::Postgres).await,
            redis_prefix: format!("{}:", tests::unique("pwreplicas")),
            rate_limit_requests,
        }
    }

    /// Starts a replica on `addr` (a free port when None) and waits until it is ready.
    async fn start(&self, addr: Option<SocketAddr>) -> Replica {
        let addr = addr.unwrap_or_else(free_addr);
        let child = Command::new(env!("CARGO_BIN_EXE_replica"))
            .arg("serve")
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("PW_ENV", "production")
            .env("LISTEN_ADDR", addr.to_string())
            .env("DATABASE_URL", &self.database_url)
            .env("DATABASE_MAX_CONNECTIONS", "6")
            .env("SEED_DEMO", "true")
            .env("REDIS_URL", tests::redis_url())
            .env("REDIS_KEY_PREFIX", &self.redis_prefix)
            .env("JWT_HS256_SECRET", tests::SECRET)
            .env("DOWNLOAD_LINK_SECRET", tests::SECRET)
            .env("RATE_LIMIT_REQUESTS", self.rate_limit_requests.to_string())
            .env("RATE_LIMIT_SENSITIVE", "0")
            .env(
                "RATE_LIMIT_WINDOW_SECS",
                tests::RATE_LIMIT_WINDOW_SECS.to_string(),
            )
            .env("LEVEL_REVIEW_INTERVAL_SECS", "0")
            .env("SHUTDOWN_DRAIN_SECS", "1")
            .env("SHUTDOWN_GRACE_SECS", "10")
            .env("LOG_FORMAT", "json")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the replica binary starts");
        let replica = Replica { addr, child };
        let deadline = Instant::now() + Duration::from_secs(60);
        while !replica.ready().await {
            assert!(
                Instant::now() < deadline,
                "replica {addr} never became ready"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        replica
    }

    /// Three replicas; the first alone seeds the demo into the empty database.
    async fn three(&self) -> Vec<Replica> {
        let first = self.start(None).await;
        let (b, c) = tokio::join!(self.start(None), self.start(None));
        vec![first, b, c]
    }

    /// An in-process gateway on the same database, to mint tokens with the shared secret.
    async fn minter(&self) -> TestApp {
        let mut config = tests::test_config(Backend::Postgres).await;
        config.database_url = self.database_url.clone();
        config.redis_key_prefix = self.redis_prefix.clone();
        TestApp::with_config(Backend::Postgres, config).await
    }
}

fn free_addr() -> SocketAddr {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    l.local_addr().expect("addr")
}

/// One HTTP client for the test process (building one loads the TLS roots).
fn client() -> reqwest::Client {
    static CLIENT: std::sync::OnceLock<reqwest::Client> = std::sync::OnceLock::new();
    CLIENT
        .get_or_init(|| {
            api::tls::install_provider();
            reqwest::Client::builder()
                .timeout(Duration::from_secs(20))
                .build()
                .expect("client")
        })
        .clone()
}

impl Replica {
    async fn ready(&self) -> bool {
        let url = format!("http://{}/readyz", self.addr);
        matches!(client().get(url).send().await, Ok(r) if r.status() == 200)
    }

    async fn graphql(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        post(
            &client(),
            self.addr,
            token,
            json!({ "query": query, "variables": variables }),
        )
        .await
        .expect("the replica answers")
        .1
    }

    /// SIGTERM, as Kubernetes stops a pod; returns how long the process took to exit.
    fn terminate(&mut self) -> Duration {
        let pid = self.child.id().to_string();
        let start = Instant::now();
        let sent = Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("kill");
        assert!(sent.success());
        let status = self.child.wait().expect("exit");
        assert!(
            status.success(),
            "the replica exits cleanly on SIGTERM: {status}"
        );
        start.elapsed()
    }
}

impl Drop for Replica {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn post(
    client: &reqwest::Client,
    addr: SocketAddr,
    token: Option<&str>,
    body: Value,
) -> Result<(u16, Value), String> {
    let mut req = client
        .post(format!("http://{addr}/graphql"))
        .header("content-type", "application/json")
        .body(body.to_string());
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let res = req.send().await.map_err(|e| e.to_string())?;
    let status = res.status().as_u16();
    let bytes = res.bytes().await.map_err(|e| e.to_string())?;
    let body = serde_json::from_slice(&bytes).map_err(|e| e.to_string())?;
    Ok((status, body))
}

const COMPANY: &str = "query { company(partnerWorldId: \"PW-000001\") { id version name } }";
const REPORTS: &str =
    "{ site(siteNumber: \"S-1000001\") { customers(first: 1) { nodes { customerNumber } } } }";
const SITE_USERS: &str =
    "{ site(siteNumber: \"S-1000001\") { users { id ibmId version privileges } } }";

fn codes(body: &Value) -> Vec<String> {
    tests::codes_of(body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_acknowledged_by_one_replica_is_read_back_at_once_through_the_others() {
    let cluster = Cluster::new(0).await;
    let replicas = cluster.three().await;
    let minter = cluster.minter().await;
    let apa = minter.token("apa@acme.example");
    let (a, b, c) = (&replicas[0], &replicas[1], &replicas[2]);

    // Every replica has read (and cached) the company before it changes.
    for r in [a, b, c] {
        let read = r.graphql(Some(&apa), COMPANY, json!({})).await;
        assert_eq!(codes(&read), Vec::<String>::new(), "{read}");
    }
    for round in 0..5 {
        let before = a.graphql(Some(&apa), COMPANY, json!({})).await["data"]["company"].clone();
        let name = format!("Acme Replicated {round}");
        let write = a
            .graphql(
                Some(&apa),
                "mutation($id: ID!, $v: Int!, $n: String!) { updateCompanyProfile(input: { companyId: $id, version: $v, name: $n }) { company { version name } } }",
                json!({ "id": before["id"], "v": before["version"], "n": name }),
            )
            .await;
        assert_eq!(codes(&write), Vec::<String>::new(), "{write}");
        let written = write["data"]["updateCompanyProfile"]["company"].clone();
        // No retry, no wait: the next read anywhere is the write.
        for r in [b, c, a] {
            let read = r.graphql(Some(&apa), COMPANY, json!({})).await;
            assert_eq!(
                (
                    &read["data"]["company"]["name"],
                    &read["data"]["company"]["version"]
                ),
                (&written["name"], &written["version"]),
                "replica {} after round {round}",
                r.addr
            );
        }
    }

    // A right taken away on A is gone on B and C, whose cached roles still held it.
    let member = minter.token("member@acme.example");
    for r in [b, c] {
        let read = r.graphql(Some(&member), REPORTS, json!({})).await;
        assert_eq!(codes(&read), Vec::<String>::new(), "{read}");
    }
    let primary = minter.token("site.primary@acme.example");
    let users = a.graphql(Some(&primary), SITE_USERS, json!({})).await;
    let row = users["data"]["site"]["users"]
        .as_array()
        .expect("users")
        .iter()
        .find(|u| u["ibmId"] == "member@acme.example")
        .expect("member")
        .clone();
    let revoke = a
        .graphql(
            Some(&primary),
            "mutation($id: ID!, $v: Int!) { updateSiteUser(input: { siteUserId: $id, version: $v, privileges: [ONLINE_ORDERING] }) { siteUser { privileges } } }",
            json!({ "id": row["id"], "v": row["version"] }),
        )
        .await;
    assert_eq!(codes(&revoke), Vec::<String>::new(), "{revoke}");
    // The other replicas heard of it on the event channel, which the write published to
    // before it was acknowledged: the very next read there is refused.
    for r in [b, c] {
        let read = r.graphql(Some(&member), REPORTS, json!({})).await;
        assert_eq!(
            codes(&read),
            ["FORBIDDEN"],
            "replica {} still grants the revoked right: {read}",
            r.addr
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mutation_on_one_replica_reaches_the_subscribers_of_every_replica_once() {
    let cluster = Cluster::new(0).await;
    let replicas = cluster.three().await;
    let minter = cluster.minter().await;
    let primary = minter.token("site.primary@acme.example");
    let subscription = "subscription { accessRequestSubmitted(siteNumber: \"S-1000001\") { requesterIbmId status } }";
    let mut subscribers = Vec::new();
    for r in &replicas {
        let mut ws = WsClient::connect(r.addr, Some(&primary)).await;
        let id = ws.subscribe(subscription, json!({})).await;
        subscribers.push((ws, id));
    }
    // The subscriptions are open on every replica before the event.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let requesters = ["apa@globex.example", "prc@globex.example"];
    for (i, who) in requesters.iter().enumerate() {
        // Each request on a different replica.
        let ask = replicas[i]
            .graphql(
                Some(&minter.token(who)),
                "mutation { requestSiteAccess(input: { siteNumber: \"S-1000001\", believesPrimary: false }) { accessRequest { status } } }",
                json!({}),
            )
            .await;
        assert_eq!(codes(&ask), Vec::<String>::new(), "{ask}");
    }
    for (ws, id) in &mut subscribers {
        let mut seen = Vec::new();
        for _ in requesters {
            let event = ws.next_json().await;
            assert_eq!(
                (&event["type"], &event["id"]),
                (&json!("next"), &json!(id)),
                "{event}"
            );
            seen.push(event["payload"]["data"]["accessRequestSubmitted"].clone());
        }
        seen.sort_by_key(|e| e["requesterIbmId"].as_str().map(str::to_owned));
        assert_eq!(
            seen,
            [
                json!({ "requesterIbmId": "apa@globex.example", "status": "PENDING" }),
                json!({ "requesterIbmId": "prc@globex.example", "status": "PENDING" }),
            ]
        );
        // Each event once: nothing more arrives.
        assert!(ws.next_frame(Duration::from_millis(700)).await.is_none());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn budgets_and_persisted_queries_are_shared_by_every_replica() {
    tests::fresh_window(tests::RATE_LIMIT_WINDOW_SECS).await;
    let cluster = Cluster::new(30).await;
    let replicas = cluster.three().await;
    let minter = cluster.minter().await;
    let token = minter.token("apa@acme.example");
    let http = client();

    // A persisted query registered on A runs by its hash alone on B and C.
    let query = "{ company(partnerWorldId: \"PW-000001\") { partnerWorldId } }";
    let hash = {
        use sha2::Digest;
        let d = sha2::Sha256::digest(query.as_bytes());
        d.iter().map(|b| format!("{b:02x}")).collect::<String>()
    };
    let ext = json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } });
    let (_, registered) = post(
        &http,
        replicas[0].addr,
        Some(&token),
        json!({ "query": query, "extensions": ext }),
    )
    .await
    .expect("A answers");
    assert_eq!(
        registered["data"]["company"]["partnerWorldId"], "PW-000001",
        "{registered}"
    );
    for r in &replicas[1..] {
        let (_, by_hash) = post(&http, r.addr, Some(&token), json!({ "extensions": ext }))
            .await
            .expect("answers");
        assert_eq!(
            by_hash["data"]["company"]["partnerWorldId"], "PW-000001",
            "{by_hash}"
        );
    }

    // 30 requests a window, whichever replica they go to: 3 are spent above.
    let mut answered = 3;
    let mut limited = 0;
    for i in 0..40 {
        let (status, body) = post(
            &http,
            replicas[i % 3].addr,
            Some(&token),
            json!({ "query": query }),
        )
        .await
        .expect("answers");
        match codes(&body).as_slice() {
            [] => answered += 1,
            [code] if code == "RATE_LIMITED" => {
                assert_eq!(status, 429, "{body}");
                limited += 1;
            }
            other => panic!("unexpected {other:?}: {body}"),
        }
    }
    assert_eq!((answered, limited), (30, 13));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_turns_a_replica_unready_at_once_closes_its_sockets_going_away_and_exits_in_its_grace()
 {
    let cluster = Cluster::new(0).await;
    let mut replica = cluster.start(None).await;
    let minter = cluster.minter().await;
    let mut ws = WsClient::connect(
        replica.addr,
        Some(&minter.token("site.primary@acme.example")),
    )
    .await;
    ws.subscribe(
        "subscription { accessRequestSubmitted(siteNumber: \"S-1000001\") { status } }",
        json!({}),
    )
    .await;
    let addr = replica.addr;
    let probe = tokio::spawn(async move {
        // Readiness and service, every 20 ms, through the drain.
        let http = client();
        let mut seen = Vec::new();
        let start = Instant::now();
        while start.elapsed() < Duration::from_millis(900) {
            let ready = http
                .get(format!("http://{addr}/readyz"))
                .send()
                .await
                .map(|r| r.status().as_u16())
                .map_err(|e| e.to_string());
            let served = post(&http, addr, None, json!({ "query": "{ __typename }" }))
                .await
                .map(|(s, _)| s);
            seen.push((start.elapsed(), ready, served));
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        seen
    });
    tokio::time::sleep(Duration::from_millis(100)).await;
    let took = tokio::task::spawn_blocking(move || {
        let took = replica.terminate();
        (took, replica)
    });
    let seen = probe.await.expect("probe");
    // Before the signal: ready. After it: unready, yet every request is still served.
    assert!(
        seen.iter().all(|(_, _, served)| *served == Ok(200)),
        "{seen:?}"
    );
    let unready = seen
        .iter()
        .position(|(_, ready, _)| *ready == Ok(503))
        .expect("turned unready");
    assert!(
        unready > 0
            && seen[unready..]
                .iter()
                .all(|(_, ready, _)| *ready == Ok(503)),
        "{seen:?}"
    );
    // The subscriber is told to go elsewhere.
    match ws.next_frame(Duration::from_secs(5)).await {
        Some(Frame::Closed(Some(1001))) => {}
        other => panic!("expected a 1001 close, got {other:?}"),
    }
    let (took, _replica) = took.await.expect("terminate");
    assert!(took < Duration::from_secs(10), "exited after {took:?}");
    assert!(
        took >= Duration::from_secs(1),
        "drained for SHUTDOWN_DRAIN_SECS first: {took:?}"
    );
}

/// What the load saw during the rolling restart.
#[derive(Default)]
struct Load {
    sent: usize,
    failed: Vec<String>,
    latencies: Vec<Duration>,
    /// Requesters whose access request was acknowledged, when, and by which replica.
    acknowledged: Vec<(String, Instant, SocketAddr)>,
}

/// A subscriber that, like a graphql-ws client, reconnects through the "ingress" when its
/// replica says it is going away.
#[derive(Default)]
struct Subscriber {
    /// When each (re)subscription was sent, to which replica, and when its socket was
    /// closed going away.
    periods: Vec<(Instant, SocketAddr, Option<Instant>)>,
    received: Vec<String>,
    going_away: usize,
}

type Ready = std::sync::Arc<std::sync::Mutex<Vec<bool>>>;

/// The next ready replica after `turn`, as an ingress would pick it.
fn pick(ready: &Ready, addrs: &[SocketAddr], turn: usize) -> Option<SocketAddr> {
    let ready = ready.lock().expect("ready");
    (0..addrs.len())
        .map(|i| (turn + i) % addrs.len())
        .find(|&i| ready[i])
        .map(|i| addrs[i])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rolling_restart_under_load_fails_no_request_and_loses_no_write_or_event() {
    use std::sync::{Arc, Mutex};
    let cluster = Cluster::new(0).await;
    let mut replicas: Vec<Option<Replica>> = cluster.three().await.into_iter().map(Some).collect();
    let addrs: Vec<SocketAddr> = replicas.iter().flatten().map(|r| r.addr).collect();
    let minter = Arc::new(cluster.minter().await);
    let ready: Ready = Arc::new(Mutex::new(vec![true; 3]));
    let t0 = Instant::now();
    // The load stops first; the subscribers and the ingress a moment later, once the
    // events of the last acknowledged writes have had time to arrive.
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let stop_load = Arc::new(std::sync::atomic::AtomicBool::new(false));

    // The ingress: every replica's readiness, every 20 ms.
    let ingress = {
        let (ready, addrs, stop) = (ready.clone(), addrs.clone(), stop.clone());
        tokio::spawn(async move {
            let http = client();
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                for (i, addr) in addrs.iter().enumerate() {
                    let ok = matches!(
                        http.get(format!("http://{addr}/readyz")).timeout(Duration::from_millis(500)).send().await,
                        Ok(r) if r.status() == 200
                    );
                    ready.lock().expect("ready")[i] = ok;
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
    };

    // Subscribers: two, each on whatever replica the ingress gives it.
    let mut subscribers = Vec::new();
    for s in 0..2 {
        let (ready, addrs, stop, minter) =
            (ready.clone(), addrs.clone(), stop.clone(), minter.clone());
        let seen = Arc::new(Mutex::new(Subscriber::default()));
        let log = seen.clone();
        let task = tokio::spawn(async move {
            let token = minter.token("site.primary@acme.example");
            let mut turn = s;
            'connect: while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                turn += 1;
                let Some(addr) = pick(&ready, &addrs, turn) else {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    continue;
                };
                let mut ws = WsClient::connect(addr, Some(&token)).await;
                ws.subscribe("subscription { accessRequestSubmitted(siteNumber: \"S-1000001\") { requesterIbmId } }", json!({})).await;
                log.lock()
                    .expect("log")
                    .periods
                    .push((Instant::now(), addr, None));
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    match ws.next_frame(Duration::from_millis(100)).await {
                        None => {}
                        Some(Frame::Json(m)) if m["type"] == "next" => {
                            let who =
                                m["payload"]["data"]["accessRequestSubmitted"]["requesterIbmId"]
                                    .as_str()
                                    .expect("requester")
                                    .to_owned();
                            log.lock().expect("log").received.push(who);
                        }
                        Some(Frame::Closed(Some(1001))) => {
                            let mut log = log.lock().expect("log");
                            log.going_away += 1;
                            if let Some(period) = log.periods.last_mut() {
                                period.2 = Some(Instant::now());
                            }
                            continue 'connect;
                        }
                        Some(other) => panic!("subscriber: unexpected {other:?}"),
                    }
                }
            }
        });
        subscribers.push((seen, task));
    }
    tokio::time::sleep(Duration::from_millis(500)).await;

    // The load: reads and writes, round robin over the ready replicas.
    let load = Arc::new(Mutex::new(Load::default()));
    let mut workers = Vec::new();
    for w in 0..4 {
        let (ready, addrs, stop, minter, load) = (
            ready.clone(),
            addrs.clone(),
            stop_load.clone(),
            minter.clone(),
            load.clone(),
        );
        workers.push(tokio::spawn(async move {
            let http = client();
            let reader = minter.token("apa@acme.example");
            let mut n = 0usize;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                n += 1;
                let Some(addr) = pick(&ready, &addrs, n + w) else {
                    tokio::time::sleep(Duration::from_millis(5)).await;
                    continue;
                };
                let write = n.is_multiple_of(5);
                let requester = format!("load{w}-{n}@requesters.example");
                let (token, body) = if write {
                    (minter.token(&requester), json!({ "query": "mutation { requestSiteAccess(input: { siteNumber: \"S-1000001\", believesPrimary: false }) { accessRequest { status } } }" }))
                } else {
                    (reader.clone(), json!({ "query": COMPANY }))
                };
                let start = Instant::now();
                let answer = post(&http, addr, Some(&token), body).await;
                let took = start.elapsed();
                let mut l = load.lock().expect("load");
                l.sent += 1;
                l.latencies.push(took);
                match answer {
                    Ok((200, body)) if body.get("errors").is_none() => {
                        if write {
                            l.acknowledged.push((requester, Instant::now(), addr));
                        }
                    }
                    Ok((status, body)) => l.failed.push(format!("{addr}: {status} {body}")),
                    Err(e) => l.failed.push(format!("{addr}: {e}")),
                }
            }
        }));
    }

    // Restart each replica in turn, as a Deployment's rolling update does.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let mut exits = Vec::new();
    let mut timeline = Vec::new();
    for (i, slot) in replicas.iter_mut().enumerate() {
        let mut old = slot.take().expect("running");
        timeline.push(format!("{:?} SIGTERM {}", t0.elapsed(), old.addr));
        let (took, old) = tokio::task::spawn_blocking(move || (old.terminate(), old))
            .await
            .expect("stop");
        drop(old);
        exits.push(took);
        *slot = Some(cluster.start(Some(addrs[i])).await);
        timeline.push(format!("{:?} ready again {}", t0.elapsed(), addrs[i]));
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    stop_load.store(true, std::sync::atomic::Ordering::Relaxed);
    for w in workers {
        w.await.expect("worker");
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    ingress.await.expect("ingress");

    let load = std::mem::take(&mut *load.lock().expect("load"));
    let mut latencies = load.latencies.clone();
    latencies.sort();
    let p99 = latencies[(latencies.len() * 99 / 100).min(latencies.len() - 1)];
    eprintln!(
        "rolling restart: {} requests sent, {} failed, {} writes acknowledged, p99 {:?}; exits after SIGTERM {:?}",
        load.sent,
        load.failed.len(),
        load.acknowledged.len(),
        p99,
        exits
    );
    assert!(load.failed.is_empty(), "failed requests: {:?}", load.failed);
    assert!(
        load.sent > 100 && load.acknowledged.len() > 20,
        "the load ran: {} sent",
        load.sent
    );
    for took in &exits {
        assert!(
            *took < Duration::from_secs(10),
            "a replica took {took:?} to exit"
        );
    }

    // Every acknowledged write is there, read through every replica.
    let primary = minter.token("site.primary@acme.example");
    for addr in &addrs {
        let (_, body) = post(&client(), *addr, Some(&primary), json!({ "query": "{ site(siteNumber: \"S-1000001\") { accessRequests(status: PENDING) { requesterIbmId } } }" }))
            .await
            .expect("answers");
        let stored: std::collections::HashSet<&str> = body["data"]["site"]["accessRequests"]
            .as_array()
            .expect("requests")
            .iter()
            .filter_map(|r| r["requesterIbmId"].as_str())
            .collect();
        let lost: Vec<&String> = load
            .acknowledged
            .iter()
            .map(|(who, _, _)| who)
            .filter(|who| !stored.contains(who.as_str()))
            .collect();
        assert!(lost.is_empty(), "acknowledged but lost on {addr}: {lost:?}");
    }

    // Every subscriber received every event produced after it last (re)subscribed, once.
    let mut delivered = 0;
    let mut reconnects = 0;
    for (seen, task) in subscribers {
        task.await.expect("subscriber");
        let seen = seen.lock().expect("seen");
        let mut received = seen.received.clone();
        received.sort();
        let before = received.len();
        received.dedup();
        assert_eq!(before, received.len(), "an event was delivered twice");
        // An event acknowledged while a subscription was open (300 ms after it was sent, so
        // the server has it; 200 ms before its socket closed, for the event's transit).
        let open = |at: Instant| {
            seen.periods.iter().any(|(from, _, to)| {
                at > *from + Duration::from_millis(300)
                    && to.is_none_or(|to| at + Duration::from_millis(200) < to)
            })
        };
        let missed: Vec<_> = load
            .acknowledged
            .iter()
            .filter(|(who, at, _)| open(*at) && received.binary_search(who).is_err())
            .map(|(who, at, by)| (who, at.duration_since(t0), by))
            .collect();
        let periods: Vec<_> = seen
            .periods
            .iter()
            .map(|(from, on, to)| {
                (
                    from.duration_since(t0),
                    on,
                    to.map(|t| t.duration_since(t0)),
                )
            })
            .collect();
        assert!(
            missed.is_empty(),
            "events missed: {missed:?}; subscriptions: {periods:?}; restarts: {timeline:?}"
        );
        delivered += received.len();
        reconnects += seen.going_away;
    }
    assert!(reconnects >= 1, "no subscriber was told to go away");
    eprintln!(
        "rolling restart: {delivered} events delivered to 2 subscribers, {reconnects} going-away reconnects"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_redis_down_subscribers_of_the_same_replica_still_get_their_events_and_the_outage_is_counted()
 {
    // Nothing listens on this port: every Redis call is refused.
    let mut config = tests::test_config(Backend::Postgres).await;
    config.redis_url = Some(format!("redis://{}", free_addr()));
    let app = TestApp::with_config(Backend::Postgres, config).await;
    let addr = app.serve().await;
    let mut ws = WsClient::connect(addr, Some(&app.token("site.primary@acme.example"))).await;
    let id = ws
        .subscribe(
            "subscription { accessRequestSubmitted(siteNumber: \"S-1000001\") { requesterIbmId } }",
            json!({}),
        )
        .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let ask = app
        .as_user(
            "apa@globex.example",
            "mutation { requestSiteAccess(input: { siteNumber: \"S-1000001\", believesPrimary: false }) { accessRequest { status } } }",
            json!({}),
        )
        .await;
    ask.assert_no_errors();
    let event = ws.next_json().await;
    assert_eq!(
        event,
        json!({ "id": id, "type": "next", "payload": { "data": { "accessRequestSubmitted": { "requesterIbmId": "apa@globex.example" } } } })
    );
    let metrics = app.metrics().await;
    let value = |name: &str| -> u64 {
        metrics
            .lines()
            .find_map(|l| l.strip_prefix(&format!("partnerworld_{name} ")))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or_else(|| panic!("{name} missing from {metrics}"))
    };
    // The access request, and the notifications it made: none reached other replicas.
    assert!(value("events_unshared_total") >= 1);
    assert!(value("events_bus_outages_total") >= 1);
    assert_eq!(value("events_received_total"), 0);
}
