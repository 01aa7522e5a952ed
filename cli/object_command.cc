// quiver object add|put|get|info|ls|rm: natscli's `nats object` commands.
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <memory>
#include <unistd.h>

#include "cli/commands.h"
#include "cli/format.h"
#include "cli/js_args.h"
#include "cli/js_format.h"
#include "cli/js_session.h"
#include "client/jetstream/object_store.h"

#include <sys/stat.h>

namespace quiver::cli {
namespace {

namespace jetstream = client::jetstream;

constexpr std::string_view kObjStreamPrefix = "OBJ_";

ArgSpec bucket_arg() { return {"bucket", "Bucket name"}; }

std::string bucket_name(const ParsedArgs& args) {
  std::string bucket = *args.arg("bucket");
  if (!jetstream::is_valid_bucket_name(bucket)) {
    throw UsageError("invalid bucket name '" + bucket + "': want letters, digits, '-' and '_'");
  }
  return bucket;
}

std::string stream_of(const std::string& bucket) { return std::string(kObjStreamPrefix) + bucket; }

jetstream::ObjectStore open_bucket(JsSession& session, const std::string& bucket) {
  return session.run(session.js().object_store(bucket), "could not open bucket " + bucket);
}

std::string base_name(const std::string& path) {
  const auto slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

struct FileCloser {
  void operator()(std::FILE* f) const {
    if (f != nullptr && f != stdin && f != stdout) std::fclose(f);
  }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

std::string errno_text() { return std::error_code(errno, std::system_category()).message(); }

int run_add(const ParsedArgs& args) {
  jetstream::ObjectStoreConfig config;
  config.bucket = bucket_name(args);
  apply_object_flags(args, config);
  JsSession session(args, "quiver object add");
  session.run(session.js().create_object_store(config), "could not create the bucket");
  const auto info =
      session.run(session.js().stream_info(stream_of(config.bucket)), "could not load the bucket");
  log_line("Bucket " + config.bucket + " was created");
  print_out(object_bucket_text(info));
  return 0;
}

int run_put(const ParsedArgs& args) {
  const std::string bucket = bucket_name(args);
  const std::string path = *args.arg("file");
  const bool from_stdin = path == "-";
  jetstream::ObjectMeta meta;
  meta.name = args.string("name", from_stdin ? "" : base_name(path));
  if (meta.name.empty()) throw UsageError("give the object's name with --name");
  meta.description = args.string("description", "");
  File file(from_stdin ? stdin : std::fopen(path.c_str(), "rb"));
  if (!file) throw CliError("could not open " + path + ": " + errno_text());

  JsSession session(args, "quiver object put");
  auto store = open_bucket(session, bucket);
  const auto start = std::chrono::steady_clock::now();
  std::FILE* in = file.get();
  // Runs on the client's thread, which has nothing else to do meanwhile.
  jetstream::ObjectSource source = [in](char* buffer, std::size_t capacity) -> Result<std::size_t> {
    const std::size_t n = std::fread(buffer, 1, capacity, in);
    if (n == 0 && std::ferror(in)) return std::error_code(EIO, std::system_category());
    return n;
  };
  const auto info = session.run(store.put(meta, source), "could not store " + meta.name);
  const auto took = std::chrono::duration_cast<std::chrono::nanoseconds>(
      std::chrono::steady_clock::now() - start);
  log_line("Stored " + ibytes(info.size) + " as " + bucket + " > " + info.name + " in " +
           humanize_duration(took));
  print_out(object_info_text(info));
  return 0;
}

int run_get(const ParsedArgs& args) {
  const std::string bucket = bucket_name(args);
  const std::string name = *args.arg("name");
  const std::string output = args.string("output", base_name(name));
  const bool force = args.enabled("force", false);
  const bool to_stdout = output == "-";
  if (output.empty()) throw UsageError("give the file to write with --output");
  struct stat st {};
  if (!to_stdout && !force && ::stat(output.c_str(), &st) == 0) {
    throw CliError("file " + output + " exists: use --force to overwrite it");
  }

  JsSession session(args, "quiver object get");
  auto store = open_bucket(session, bucket);
  const auto start = std::chrono::steady_clock::now();
  auto reader = session.run(store.get(name), "could not get " + name);
  File file(to_stdout ? stdout : std::fopen(output.c_str(), "wb"));
  if (!file) throw CliError("could not create " + output + ": " + errno_text());
  const auto chunk_timeout =
      std::chrono::duration_cast<std::chrono::milliseconds>(session.settings().timeout);
  std::uint64_t written = 0;
  auto fail = [&](const std::string& what) {
    file.reset();
    if (!to_stdout) ::unlink(output.c_str());
    throw CliError(what);
  };
  for (;;) {
    auto chunk = session.wait(reader.next_chunk(chunk_timeout));
    if (!chunk) fail(describe_error(chunk.error(), "could not read " + name));
    if (!chunk.value()) break;
    const std::string& data = *chunk.value();
    if (std::fwrite(data.data(), 1, data.size(), file.get()) != data.size()) {
      fail("could not write " + output + ": " + errno_text());
    }
    written += data.size();
  }
  if (std::fflush(file.get()) != 0) fail("could not write " + output + ": " + errno_text());
  file.reset();
  session.wait(reader.close());
  const auto took = std::chrono::duration_cast<std::chrono::nanoseconds>(
      std::chrono::steady_clock::now() - start);
  log_line("Wrote: " + ibytes(written) + " to " + (to_stdout ? "standard output" : output) +
           " in " + humanize_duration(took));
  return 0;
}

int run_info(const ParsedArgs& args) {
  const std::string bucket = bucket_name(args);
  JsSession session(args, "quiver object info");
  if (auto name = args.arg("name")) {
    auto store = open_bucket(session, bucket);
    print_out(object_info_text(session.run(store.info(*name), "could not load " + *name)));
    return 0;
  }
  open_bucket(session, bucket);  // a clear "bucket not found" for a missing bucket
  const auto info =
      session.run(session.js().stream_info(stream_of(bucket)), "could not load the bucket");
  print_out(object_bucket_text(info));
  return 0;
}

int run_ls(const ParsedArgs& args) {
  const bool names = args.enabled("names", false);
  JsSession session(args, "quiver object ls");
  if (args.arg("bucket")) {
    const std::string bucket = bucket_name(args);
    auto store = open_bucket(session, bucket);
    auto objects = session.run(store.list(), "could not list " + bucket);
    if (names) {
      std::string out;
      for (const auto& o : objects) out += o.name + "\n";
      print_out(out);
    } else if (objects.empty()) {
      log_line("No entries in bucket " + bucket);
    } else {
      print_out(object_table(bucket, objects));
    }
    return 0;
  }
  auto streams = session.run(session.js().streams(), "could not list the buckets");
  std::erase_if(streams,
                [](const auto& s) { return !s.config.name.starts_with(kObjStreamPrefix); });
  std::sort(streams.begin(), streams.end(),
            [](const auto& a, const auto& b) { return a.config.name < b.config.name; });
  if (names) {
    std::string out;
    for (const auto& s : streams) out += s.config.name.substr(kObjStreamPrefix.size()) + "\n";
    print_out(out);
  } else if (streams.empty()) {
    log_line("No Object Store buckets found");
  } else {
    print_out(object_bucket_table(streams));
  }
  return 0;
}

int run_rm(const ParsedArgs& args) {
  const std::string bucket = bucket_name(args);
  const bool force = args.enabled("force", false);
  const auto name = args.arg("name");
  JsSession session(args, "quiver object rm");
  if (name) {
    auto store = open_bucket(session, bucket);
    if (!confirm("Delete object " + bucket + " > " + *name, force)) return 0;
    session.run(store.erase(*name), "could not delete " + *name);
    log_line("Deleted " + bucket + " > " + *name);
    return 0;
  }
  if (!confirm("Really delete Object Store bucket " + bucket, force)) return 0;
  session.run(session.js().delete_object_store(bucket), "could not delete the bucket");
  log_line("Deleted bucket " + bucket);
  return 0;
}

Command object(std::string name, std::string summary, std::vector<ArgSpec> args,
               std::vector<FlagSpec> flags, int (*run)(const ParsedArgs&),
               std::vector<std::string> aliases = {}) {
  return Command{.spec = {.name = "object " + name,
                          .summary = std::move(summary),
                          .args = std::move(args),
                          .flags = std::move(flags)},
                 .aliases = std::move(aliases),
                 .run = run};
}

}  // namespace

std::vector<Command> object_commands() {
  const FlagSpec names{.name = "names",
                       .short_name = 'n',
                       .kind = FlagKind::kSwitch,
                       .help = "Only the names, one per line"};
  return {
      object("add", "Create an Object Store bucket", {bucket_arg()}, bucket_flags(false), run_add),
      object("put", "Store a file (\"-\": standard input) as an object",
             {bucket_arg(), {"file", "The file to store"}},
             {{.name = "name",
               .placeholder = "NAME",
               .help = "The object's name",
               .default_text = "the file's name"},
              {.name = "description", .placeholder = "TEXT", .help = "A description"}},
             run_put),
      object("get", "Write an object to a file", {bucket_arg(), {"name", "The object's name"}},
             {{.name = "output",
               .short_name = 'O',
               .placeholder = "FILE",
               .help = "The file to write (\"-\": standard output)",
               .default_text = "the object's name in the current directory"},
              force_flag()},
             run_get),
      object("info", "Show an object's information, or the bucket's",
             {bucket_arg(), {"name", "The object's name", false}}, {}, run_info),
      object("ls", "List the objects of BUCKET, or the buckets", {{"bucket", "Bucket name", false}},
             {names}, run_ls, {"list"}),
      object("rm", "Delete an object, or without NAME the whole bucket",
             {bucket_arg(), {"name", "The object's name", false}}, {force_flag()}, run_rm,
             {"delete", "del"}),
  };
}

}  // namespace quiver::cli
