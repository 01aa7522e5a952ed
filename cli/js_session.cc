#include "cli/js_session.h"

#include <cstdio>
#include <iostream>
#include <unistd.h>

namespace quiver::cli {

std::string describe_error(const client::jetstream::Error& error, std::string_view context) {
  // The server's words are the clearest (and what natscli prints): no prefix needed.
  if (error.err_code != 0) {
    // The client gave the server's error a meaning of its own (a failed create() of a key that
    // exists is a wrong-last-sequence error): say both.
    if (error.code !=
        client::jetstream::make_error_code(client::jetstream::errc_from_api(error.err_code))) {
      return error.code.message() + ": " + error.message();
    }
    return error.message();
  }
  if (error == client::jetstream::errc::kNotEnabled) {
    return std::string(context) + ": JetStream is not enabled on the server (no responders)";
  }
  return std::string(context) + ": " + error.message();
}

bool confirm(const std::string& question, bool force) {
  if (force) return true;
  if (::isatty(STDIN_FILENO) != 1) {
    throw UsageError("cannot ask \"" + question +
                     "?\" without a terminal: add --force to go ahead without confirmation");
  }
  std::string prompt = "? " + question + " [y/N] ";
  std::fwrite(prompt.data(), 1, prompt.size(), stderr);
  std::fflush(stderr);
  std::string answer;
  if (!std::getline(std::cin, answer)) return false;
  return answer == "y" || answer == "Y" || answer == "yes" || answer == "YES";
}

FlagSpec force_flag() {
  return {.name = "force",
          .short_name = 'f',
          .kind = FlagKind::kSwitch,
          .help = "Do not ask for confirmation"};
}

JsSession::JsSession(const ParsedArgs& args, std::string client_name)
    : settings_(connection_settings(args)),
      runtime_(1),
      nc_(runtime_.connect(client_options(settings_, std::move(client_name)))) {
  client::jetstream::JetStreamOptions options;
  options.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(settings_.timeout);
  js_ = client::jetstream::JetStream(nc_, options);
}

JsSession::~JsSession() {
  js_ = client::jetstream::JetStream();
  close_and_wait(nc_);
}

}  // namespace quiver::cli
