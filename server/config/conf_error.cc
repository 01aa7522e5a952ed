#include "server/config/conf_error.h"

namespace quiver::server::config {
namespace {

class ConfigCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "quiver.config"; }

  std::string message(int value) const override {
    switch (static_cast<errc>(value)) {
      case errc::kIo:
        return "cannot read configuration file";
      case errc::kSyntax:
        return "configuration syntax error";
      case errc::kUndefinedVariable:
        return "undefined variable";
      case errc::kCycle:
        return "include or variable cycle";
      case errc::kBadValue:
        return "bad option value";
      case errc::kUnknownField:
        return "unknown field";
      case errc::kUnsupported:
        return "option not supported by quiver-server";
      case errc::kBadFlag:
        return "bad command line";
    }
    return "unknown configuration error";
  }
};

}  // namespace

const std::error_category& config_category() noexcept {
  static const ConfigCategory category;
  return category;
}

}  // namespace quiver::server::config
