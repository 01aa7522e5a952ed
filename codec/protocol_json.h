// The JSON bodies of INFO (server -> client) and CONNECT (client -> server), as nats-server 2.9
// writes and reads them (server/server.go `Info`, server/client.go `ClientOpts`).
//
// Encoding is byte-exact with Go's encoding/json: fields in Go struct order, compact, omitempty
// fields left out when false/empty/zero, and Go's string escaping (<, >, & as \u003c \u003e
// \u0026; invalid UTF-8 as \ufffd; U+2028/U+2029 escaped).
//
// Decoding follows encoding/json's Unmarshal into a pre-filled struct:
//   - keys match field names case-insensitively (and 'k'/'s' also match U+212A/U+017F);
//   - unknown keys are ignored, whatever their value;
//   - a key that is present overwrites the field; the last occurrence wins;
//   - `null` leaves a scalar field unchanged and clears a list or permission;
//   - a value of the wrong type is an error (so "1.0" or "1e0" for an integer is an error);
//   - a top-level `null` is accepted and changes nothing (nats-server accepts `CONNECT null`);
//   - invalid UTF-8 and lone UTF-16 surrogate escapes in strings become U+FFFD;
//   - nesting deeper than 10000 levels is an error.
// Every failure is errc::kInvalidJson. The parsers never throw on any input (std::bad_alloc
// aside) and are safe on arbitrary bytes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "codec/errc.h"  // failures are errc::kInvalidJson
#include "common/result.h"

namespace quiver::codec {

// Go's `SubjectPermission`: the "import"/"export" objects of route and leafnode INFO/CONNECT.
struct SubjectPermission {
  std::vector<std::string> allow;
  std::vector<std::string> deny;

  bool operator==(const SubjectPermission&) const = default;
};

// The INFO body. The defaults are what a freshly started nats-server advertises; they are NOT
// what parse_info_json() assumes for absent keys (see there).
struct ServerInfo {
  std::string server_id;
  std::string server_name;
  std::string version;
  int proto = 1;
  // Go has a plain string with omitempty: an empty value is never sent, so "" reads as nullopt.
  std::optional<std::string> git_commit;
  std::string go;
  std::string host;
  int port = 4222;
  bool headers = true;
  bool auth_required = false;
  bool tls_required = false;
  bool tls_verify = false;
  bool tls_available = false;
  std::int64_t max_payload = 1048576;
  bool jetstream = false;
  std::string ip;
  std::uint64_t client_id = 0;
  std::string client_ip;
  std::string nonce;
  std::string cluster;
  bool cluster_dynamic = false;
  std::string domain;
  std::vector<std::string> connect_urls;
  std::vector<std::string> ws_connect_urls;
  bool ldm = false;  // lame duck mode

  // Sent to routes only.
  std::optional<SubjectPermission> import_permission;  // "import"
  std::optional<SubjectPermission> export_permission;  // "export"
  bool lnoc = false;
  bool info_on_connect = false;
  bool connect_info = false;

  // Sent to gateways only.
  std::string gateway;
  std::vector<std::string> gateway_urls;
  std::string gateway_url;
  std::uint8_t gateway_cmd = 0;
  std::vector<std::uint8_t> gateway_cmd_payload;  // base64 in JSON, as Go encodes []byte
  bool gateway_nrp = false;
  bool gateway_iom = false;

  // Sent to leafnodes only.
  std::vector<std::string> leafnode_urls;
  std::string remote_account;

  // Not in 2.9 (2.10+ sends it last); empty, and so absent, for a 2.9-compatible INFO.
  std::string xkey;

  bool operator==(const ServerInfo&) const = default;
};

// Appends the INFO JSON object (no "INFO " prefix, no CRLF) to `out`.
void encode_info_json_to(const ServerInfo& info, std::string& out);
std::string encode_info_json(const ServerInfo& info);

// Parses an INFO JSON object. Absent keys read as Go's zero values (headers=false, port=0,
// proto=0, max_payload=0, ...), not as ServerInfo's defaults: a server that does not send
// "headers" does not support them. parse_info_json(encode_info_json(x)) == x when the strings
// of x are valid UTF-8.
Result<ServerInfo> parse_info_json(std::string_view json);

// The CONNECT body: Go's `ClientOpts`. The defaults are nats-server's for absent keys
// (`defaultOpts`): verbose, pedantic and echo are on.
// Appends `s` as a JSON string literal (with its quotes), escaped the way Go's json.Marshal
// does it: for other tools of ours that must print JSON the NATS ecosystem reads.
void append_json_string(std::string& out, std::string_view s);

// Whether a JSON object key selects the Go struct field `name` as encoding/json decides:
// case-insensitively, with the Kelvin sign and long s folding to 'k' and 's' (fold.go).
bool go_json_key_matches(std::string_view name, std::string_view key);

struct ConnectOptions {
  bool verbose = true;
  bool pedantic = true;
  bool echo = true;
  bool tls_required = false;
  std::string nkey;
  std::string jwt;
  std::string sig;
  std::string auth_token;
  std::string user;
  std::string pass;
  std::string name;
  std::string lang;
  std::string version;
  // Go's int is 64 bits. A value outside int's range is clamped to INT_MIN/INT_MAX, so the
  // server's 0..1 check still answers -ERR 'invalid client protocol' as nats-server does.
  int protocol = 0;
  std::string account;
  bool new_account = false;
  bool headers = false;
  bool no_responders = false;
  // Routes and leafnodes only.
  std::optional<SubjectPermission> import_permission;  // "import"
  std::optional<SubjectPermission> export_permission;  // "export"

  bool operator==(const ConnectOptions&) const = default;
};

// Parses a CONNECT JSON body. Malformed JSON, a non-object other than `null`, or a known field
// with a value of the wrong type gives errc::kInvalidJson (nats-server closes the connection
// without -ERR then).
Result<ConnectOptions> parse_connect_json(std::string_view json);

// What a client sends, in nats.go's field order: verbose, pedantic, jwt?, nkey?, sig?, user?,
// pass?, auth_token?, tls_required, name?, lang, version, protocol, echo, headers,
// no_responders, then account?, new_account?, import?, export? ("?" = only when set).
// parse_connect_json(encode_connect_json(x)) == x when the strings of x are valid UTF-8.
void encode_connect_json_to(const ConnectOptions& options, std::string& out);
std::string encode_connect_json(const ConnectOptions& options);

}  // namespace quiver::codec
