#include "server/jetstream/api/errors.h"

#include <set>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <gtest/gtest.h>

#include "server/jetstream/api/golden.h"

namespace quiver::server::jetstream::api {
namespace {

TEST(ErrorsTest, CatalogueIsSortedUniqueAndComplete) {
  const auto all = all_errors();
  // 10002..10133 minus 10129 (added after 2.9.10; absent from its binary).
  EXPECT_EQ(all.size(), 131u);
  std::set<std::uint16_t> codes;
  for (std::size_t i = 0; i < all.size(); ++i) {
    codes.insert(all[i].err_code);
    if (i > 0) {
      EXPECT_LT(all[i - 1].err_code, all[i].err_code);
    }
    EXPECT_TRUE(all[i].code == 400 || all[i].code == 404 || all[i].code == 500 ||
                all[i].code == 503)
        << all[i].err_code;
    EXPECT_FALSE(all[i].description.empty());
  }
  EXPECT_EQ(codes.size(), all.size());
  EXPECT_EQ(*codes.begin(), 10002);
  EXPECT_EQ(*codes.rbegin(), 10133);
  EXPECT_EQ(codes.count(10129), 0u);
}

TEST(ErrorsTest, FindError) {
  const ErrorDef* e = find_error(10059);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->code, 404);
  EXPECT_EQ(e->description, "stream not found");
  EXPECT_EQ(find_error(10001), nullptr);
  EXPECT_EQ(find_error(10129), nullptr);
  EXPECT_EQ(find_error(10134), nullptr);
  EXPECT_EQ(find_error(10133)->err_code, 10133);
}

TEST(ErrorsTest, TemplatesAreFilled) {
  EXPECT_EQ(kJSStreamWrongLastSequenceErrF.with("{seq}", "6"),
            (ApiError{400, 10071, "wrong last sequence: 6"}));
  EXPECT_EQ(wrong_last_sequence(6), kJSStreamWrongLastSequenceErrF.with("{seq}", "6"));
  EXPECT_EQ(wrong_last_msg_id("A").description, "wrong last msg ID: A");
  EXPECT_EQ(sequence_not_found(1000).description, "sequence 1000 not found");
  EXPECT_EQ(stream_store_failed("maximum messages exceeded"),
            (ApiError{503, 10077, "maximum messages exceeded"}));
  EXPECT_EQ(consumer_name_too_long(255).description,
            "consumer name is too long, maximum allowed is 255");
  EXPECT_EQ(consumer_max_pending_ack_excess(5).description,
            "consumer max ack pending exceeds system limit of 5");
  EXPECT_EQ(
      kJSStreamExternalDelPrefixOverlapsErrF.with("{prefix}", "p", "{subject}", "s").description,
      "stream external delivery prefix p overlaps with stream subject s");
  // One pass, as Go's Replacer: a value containing another placeholder stays as is.
  EXPECT_EQ(kJSStreamExternalDelPrefixOverlapsErrF.with("{prefix}", "{subject}", "{subject}", "x")
                .description,
            "stream external delivery prefix {subject} overlaps with stream subject x");
  EXPECT_EQ(kJSStreamNotFoundErr.error(), (ApiError{404, 10059, "stream not found"}));
  EXPECT_TRUE(kJSStreamNotFoundErr.is(kJSStreamNotFoundErr.error()));
  EXPECT_FALSE(kJSStreamNotFoundErr.is(kJSConsumerNotFoundErr.error()));
}

// Every error 2.9.10 sent in the captured exchanges is in the catalogue with the same HTTP code,
// and its text is the catalogue text (or fits the template around its placeholders).
TEST(ErrorsTest, AgreesWithEveryCapturedServerError) {
  int seen = 0;
  for (const std::string& name : testing::golden_names()) {
    const auto& c = testing::golden(name);
    if (!c.reply || c.reply->find("\"error\":") == std::string::npos) continue;
    const auto v = boost::json::parse(*c.reply);
    const auto& e = v.at("error").as_object();
    const auto err_code = static_cast<std::uint16_t>(e.at("err_code").as_int64());
    const std::string description(e.at("description").as_string());
    const ErrorDef* def = find_error(err_code);
    ASSERT_NE(def, nullptr) << name << " " << err_code;
    EXPECT_EQ(def->code, e.at("code").as_int64()) << name;
    const std::string_view tmpl = def->description;
    const std::size_t open = tmpl.find('{');
    if (open == std::string_view::npos) {
      EXPECT_EQ(description, tmpl) << name;
    } else {
      const std::size_t close = tmpl.rfind('}');
      EXPECT_EQ(description.substr(0, open), tmpl.substr(0, open)) << name;
      const std::string_view suffix = tmpl.substr(close + 1);
      EXPECT_EQ(description.substr(description.size() - suffix.size()), suffix) << name;
    }
    ++seen;
  }
  EXPECT_GT(seen, 100);
}

}  // namespace
}  // namespace quiver::server::jetstream::api
