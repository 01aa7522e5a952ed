#include "client/jetstream/errors.h"

#include <stdexcept>
#include <system_error>

#include <gtest/gtest.h>

namespace quiver::client::jetstream {
namespace {

TEST(ErrorsTest, EveryCodeHasAMessage) {
  for (int v = static_cast<int>(errc::kApiError); v <= static_cast<int>(errc::kObjectIsBucketLink);
       ++v) {
    const std::string m = make_error_code(static_cast<errc>(v)).message();
    EXPECT_FALSE(m.empty());
    EXPECT_EQ(m.find("unknown"), std::string::npos) << v;
  }
  EXPECT_EQ(make_error_code(errc::kStreamNotFound).message(), "stream not found");
  EXPECT_STREQ(jetstream_category().name(), "quiver.jetstream");
}

TEST(ErrorsTest, ApiCodesMapToErrc) {
  EXPECT_EQ(errc_from_api(10059), errc::kStreamNotFound);
  EXPECT_EQ(errc_from_api(10014), errc::kConsumerNotFound);
  EXPECT_EQ(errc_from_api(10037), errc::kMessageNotFound);
  EXPECT_EQ(errc_from_api(10071), errc::kWrongLastSequence);
  EXPECT_EQ(errc_from_api(10070), errc::kWrongLastMsgId);
  EXPECT_EQ(errc_from_api(10058), errc::kStreamNameInUse);
  EXPECT_EQ(errc_from_api(10077), errc::kApiError);
}

TEST(ErrorsTest, ApiErrorCarriesTheServersWords) {
  const Error e = Error::api(404, 10059, "stream not found");
  EXPECT_EQ(e, errc::kStreamNotFound);
  EXPECT_EQ(e.status, 404);
  EXPECT_EQ(e.err_code, 10059);
  EXPECT_EQ(e.message(), "stream not found (10059)");
  const Error other = Error::api(503, 10077, "maximum messages exceeded");
  EXPECT_EQ(other, errc::kApiError);
  EXPECT_EQ(other.message(), "maximum messages exceeded (10077)");
}

TEST(ErrorsTest, ClientCodesAndDetailCompare) {
  const Error timeout(client::errc::kTimeout);
  EXPECT_EQ(timeout, client::errc::kTimeout);
  EXPECT_FALSE(timeout == errc::kStreamNotFound);
  EXPECT_EQ(timeout.message(), "timeout");
  const Error detailed(make_error_code(errc::kBadResponse), "time");
  EXPECT_EQ(detailed.message(), "invalid JetStream response: time");
  EXPECT_FALSE(Error());
  EXPECT_TRUE(detailed);
}

TEST(ErrorsTest, ValueOfAFailedResultThrowsSystemError) {
  JsResult<int> failed = Error::api(404, 10059, "stream not found");
  try {
    (void)failed.value();
    FAIL() << "no exception";
  } catch (const std::system_error& ex) {
    EXPECT_EQ(ex.code(), make_error_code(errc::kStreamNotFound));
    EXPECT_NE(std::string(ex.what()).find("stream not found (10059)"), std::string::npos);
  }
  JsResult<int> ok = 3;
  EXPECT_EQ(ok.value(), 3);
}

}  // namespace
}  // namespace quiver::client::jetstream
