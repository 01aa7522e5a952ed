// auth: user/password and token authentication, the auth timeout, and per-user publish and
// subscribe permissions. Each group of cases runs on a broker the runner starts with the
// matching authorization block.
#include "conformance/cases/all_cases.h"
#include "conformance/cases/helpers.h"

namespace quiver::conformance {
namespace {

const std::string kUserPass =
    "authorization {\n  user: alice\n  password: \"s3cret\"\n  timeout: 1\n}\n";

const std::string kToken = "authorization {\n  token: \"t0ken-42\"\n}\n";

// p: may publish allowed.> except allowed.secret and _INBOX.>; may subscribe to anything but
//    forbidden, secret.> and the queue "q.only qg".
// r: a responder that may only subscribe to svc and answer each request once.
// open: no permissions.
const std::string kPermissions = R"(authorization {
  users = [
    {user: p, password: p, permissions: {
      publish: {allow: ["allowed.>", "_INBOX.>"], deny: ["allowed.secret"]}
      subscribe: {allow: [">"], deny: ["forbidden", "secret.>", "q.only qg"]}
    }}
    {user: r, password: r, permissions: {
      publish: {allow: ["nothing.here"]}
      subscribe: {allow: ["svc"]}
      allow_responses: true
    }}
    {user: open, password: open}
  ]
}
)";

Requirements auth_config(const std::string& config) {
  return Requirements{.open_access = false, .server_config = config};
}

codec::ConnectOptions as_user(const CaseContext& ctx, std::string user, std::string pass) {
  return options_with(ctx, [&](codec::ConnectOptions& o) {
    o.user = std::move(user);
    o.pass = std::move(pass);
  });
}

void expect_violation(CaseContext& ctx, const codec::ConnectOptions& options) {
  Connection c = ctx.open_with_info();
  c.connect(options);
  c.ping();
  c.expect_err_then_closed("Authorization Violation");
}

}  // namespace

void register_auth_cases(Registry& registry) {
  Area area(registry, "auth");

  area.add("info_auth_required", "a broker with users advertises \"auth_required\":true",
           auth_config(kUserPass), [](CaseContext& ctx) {
             Connection c = ctx.open_with_info();
             check(c.info().auth_required, "INFO does not advertise auth_required");
           });

  area.add("user_password_accepted", "the right user and password: PONG", auth_config(kUserPass),
           [](CaseContext& ctx) {
             Connection c = ctx.client(as_user(ctx, "alice", "s3cret"));
             c.sub("au.ok", "1");
             c.pub("au.ok", "x");
             c.expect_msg("au.ok", "1", "x");
           });

  area.add("wrong_password_rejected",
           "a wrong password: -ERR 'Authorization Violation' and a close", auth_config(kUserPass),
           [](CaseContext& ctx) { expect_violation(ctx, as_user(ctx, "alice", "wrong")); });

  area.add("unknown_user_rejected", "an unknown user: -ERR 'Authorization Violation', close",
           auth_config(kUserPass),
           [](CaseContext& ctx) { expect_violation(ctx, as_user(ctx, "mallory", "s3cret")); });

  area.add("missing_credentials_rejected",
           "CONNECT without credentials: -ERR 'Authorization Violation', close",
           auth_config(kUserPass),
           [](CaseContext& ctx) { expect_violation(ctx, ctx.connect_options()); });

  area.add("op_before_connect_rejected",
           "with auth, a PING before CONNECT: -ERR 'Authorization Violation', close",
           auth_config(kUserPass), [](CaseContext& ctx) {
             Connection c = ctx.open_with_info();
             c.send("PING\r\n");
             c.expect_err_then_closed("Authorization Violation");
           });

  area.add("auth_timeout",
           "no CONNECT within authorization.timeout (1 s): -ERR 'Authentication Timeout', close",
           auth_config(kUserPass), [](CaseContext& ctx) {
             Connection c = ctx.open_with_info();
             const auto start = Clock::now();
             c.expect_err("Authentication Timeout", milliseconds(3000));
             c.expect_closed();
             check(Clock::now() - start >= milliseconds(500),
                   "the timeout fired well before the configured 1 s");
           });

  area.add(
      "token_accepted", "the right auth_token: PONG", auth_config(kToken), [](CaseContext& ctx) {
        ctx.client(options_with(ctx, [](codec::ConnectOptions& o) { o.auth_token = "t0ken-42"; }));
      });

  area.add("token_rejected", "a wrong auth_token: -ERR 'Authorization Violation', close",
           auth_config(kToken), [](CaseContext& ctx) {
             expect_violation(
                 ctx, options_with(ctx, [](codec::ConnectOptions& o) { o.auth_token = "nope"; }));
           });

  area.add("users_list_authenticates_each", "each user of a users list gets in",
           auth_config(kPermissions), [](CaseContext& ctx) {
             ctx.client(as_user(ctx, "p", "p"));
             ctx.client(as_user(ctx, "r", "r"));
             ctx.client(as_user(ctx, "open", "open"));
           });

  area.add("publish_denied",
           "a publish outside the allow list: -ERR 'Permissions Violation for Publish to "
           "\"other\"', connection open, nothing delivered",
           auth_config(kPermissions), [](CaseContext& ctx) {
             Connection watcher = ctx.client(as_user(ctx, "open", "open"));
             watcher.sub(">", "1");
             watcher.flush();
             Connection c = ctx.client(as_user(ctx, "p", "p"));
             c.pub("other", "x");
             c.expect_err("Permissions Violation for Publish to \"other\"");
             c.flush();
             ctx.expect_no_delivery(c, watcher);
           });

  area.add("publish_allowed", "a publish inside the allow list is delivered",
           auth_config(kPermissions), [](CaseContext& ctx) {
             Connection c = ctx.client(as_user(ctx, "p", "p"));
             c.sub("allowed.x", "1");
             c.pub("allowed.x", "x");
             c.expect_msg("allowed.x", "1", "x");
           });

  area.add("publish_deny_beats_allow",
           "allowed.> is allowed but allowed.secret denied: the deny wins",
           auth_config(kPermissions), [](CaseContext& ctx) {
             Connection c = ctx.client(as_user(ctx, "p", "p"));
             c.sub("allowed.>", "1");
             c.pub("allowed.secret", "x");
             c.expect_err("Permissions Violation for Publish to \"allowed.secret\"");
             c.pub("allowed.public", "y");
             c.expect_msg("allowed.public", "1", "y");
           });

  area.add("subscribe_denied",
           "SUB to a denied subject: -ERR 'Permissions Violation for Subscription to "
           "\"forbidden\"', connection open",
           auth_config(kPermissions), [](CaseContext& ctx) {
             Connection c = ctx.client(as_user(ctx, "p", "p"));
             c.sub("forbidden", "1");
             c.expect_err("Permissions Violation for Subscription to \"forbidden\"");
             c.flush();
           });

  area.add(
      "subscribe_denied_with_queue",
      "a denied queue SUB names the queue: '... to \"forbidden\" using queue \"q\"'",
      auth_config(kPermissions), [](CaseContext& ctx) {
        Connection c = ctx.client(as_user(ctx, "p", "p"));
        c.sub("forbidden", "1", "q");
        c.expect_err("Permissions Violation for Subscription to \"forbidden\" using queue \"q\"");
        c.flush();
      });

  area.add(
      "queue_scoped_deny",
      "a deny of \"q.only qg\" refuses that queue only; a plain SUB to q.only works",
      auth_config(kPermissions), [](CaseContext& ctx) {
        Connection c = ctx.client(as_user(ctx, "p", "p"));
        c.sub("q.only", "1", "qg");
        c.expect_err("Permissions Violation for Subscription to \"q.only\" using queue \"qg\"");
        c.sub("q.only", "2");
        c.flush();
        Connection pub = ctx.client(as_user(ctx, "open", "open"));
        pub.pub("q.only", "x");
        c.expect_msg("q.only", "2", "x");
      });

  area.add("wildcard_sub_filters_denied",
           "SUB \">\" is allowed, but messages on denied subjects (secret.>) are not delivered",
           auth_config(kPermissions), [](CaseContext& ctx) {
             Connection c = ctx.client(as_user(ctx, "p", "p"));
             c.sub(">", "1");
             c.flush();
             Connection pub = ctx.client(as_user(ctx, "open", "open"));
             pub.pub("secret.plans", "hidden");
             pub.pub("public.news", "shown");
             c.expect_msg("public.news", "1", "shown");
             c.flush();
             c.expect_nothing();
           });

  area.add("allow_responses_one_reply",
           "allow_responses: a responder may publish once to a request's reply subject, not to "
           "other subjects",
           auth_config(kPermissions), [](CaseContext& ctx) {
             Connection responder = ctx.client(as_user(ctx, "r", "r"));
             responder.sub("svc", "1");
             responder.flush();
             Connection requester = ctx.client(as_user(ctx, "open", "open"));
             requester.sub("_INBOX.au1", "9");
             requester.pub("svc", "q", "_INBOX.au1");
             ServerOp req = responder.expect_msg("svc", "1", "q", "_INBOX.au1");
             responder.pub(req.reply, "first");
             responder.flush();
             requester.expect_msg("_INBOX.au1", "9", "first");
             responder.pub(req.reply, "second");
             responder.expect_err("Permissions Violation for Publish to \"_INBOX.au1\"");
             responder.pub("elsewhere", "x");
             responder.expect_err("Permissions Violation for Publish to \"elsewhere\"");
           });

  area.add("unrestricted_user", "a user without permissions may publish and subscribe anywhere",
           auth_config(kPermissions), [](CaseContext& ctx) {
             Connection c = ctx.client(as_user(ctx, "open", "open"));
             c.sub("forbidden", "1");
             c.pub("forbidden", "x");
             c.expect_msg("forbidden", "1", "x");
           });
}

}  // namespace quiver::conformance
