// What quiver's JetStream commands print, modelled on natscli: "Information for Stream ..."
// reports with right-aligned labels, rounded box tables ("╭─...─╮"), humanized sizes
// ("1.5 KiB") and durations ("1d2h0m0s"), indented JSON, and the message blocks of
// `stream get`, `consumer next`, `kv get` and `kv watch`. Pure functions of their arguments
// (times print in the local time zone).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/value.hpp>

#include "client/jetstream/kv.h"
#include "client/jetstream/message.h"
#include "client/jetstream/object_store.h"
#include "client/jetstream/types.h"
#include "client/message.h"

namespace quiver::cli {

namespace jetstream = client::jetstream;

// ----- values -----

// "2006-01-02 15:04:05" in local time; "never" for Time{} (the API's zero time).
std::string local_time(jetstream::Time t);
// go-humanize's IBytes: "0 B", "512 B", "1.0 KiB", "1.5 MiB", "79 MiB".
std::string ibytes(std::uint64_t bytes);
// natscli's HumanizeDuration: "1y2d3h4m5s", "1d0h0m0s", "2h0m0s", "1m30s", "1.50s".
std::string humanize_duration(std::chrono::nanoseconds d);
// Go's json.MarshalIndent(v, "", "  ") plus a newline.
std::string pretty_json(const boost::json::value& v);
// The API's spellings, capitalized as natscli prints them: "File", "WorkQueue", "Explicit".
std::string title_case(std::string_view api_name);

// ----- layouts -----

struct Table {
  std::string title;  // empty: no title row
  std::vector<std::string> headers;
  std::vector<std::vector<std::string>> rows;
};
// A rounded box table as natscli draws it; columns as wide as their widest cell.
std::string render_table(const Table& table);

struct InfoSection {
  std::string title;  // empty: rows right under the heading
  std::vector<std::pair<std::string, std::string>> rows;
};
// "<heading>\n\n" then each section ("Title:\n\n" and "  <label>: <value>" rows, labels
// right-aligned to the widest label of the whole report), sections separated by a blank line.
std::string render_info(const std::string& heading, const std::vector<InfoSection>& sections);

// ----- streams and consumers -----

std::string stream_info_text(const jetstream::StreamInfo& info);
// Name, Description, Created, Messages, Size, Last Message (how long ago, from `now`).
std::string stream_table(const std::vector<jetstream::StreamInfo>& streams, jetstream::Time now);
std::string consumer_info_text(const jetstream::ConsumerInfo& info);
// Name, Description, Created, Ack Pending, Unprocessed, Last Delivery.
std::string consumer_table(const std::string& stream,
                           const std::vector<jetstream::ConsumerInfo>& consumers,
                           jetstream::Time now);

// `stream get`: "Item: ORDERS#5 received <time> on Subject orders.new", headers, body.
std::string stored_msg_text(const std::string& stream, const jetstream::StoredMsg& msg);
// `consumer next`: "[12:00:00] subj: x / tries: 1 / cons seq: 3 / str seq: 7 / pending: 2",
// headers, body.
std::string consumer_msg_text(const client::Message& msg, const jetstream::Metadata& meta);

// ----- key/value -----

// "<bucket> > <key> revision: 3 created @ <time>\n\n<value>\n"
std::string kv_entry_text(const jetstream::Entry& entry);
// "[<time>] PUT <bucket> > <key>: <value>" (DEL / PURGE lines have no value).
std::string kv_watch_line(const jetstream::Entry& entry);
std::string kv_history_table(const std::string& bucket, const std::string& key,
                             const std::vector<jetstream::Entry>& entries);
std::string kv_status_text(const jetstream::KeyValueStatus& status);
// Buckets from their streams (KV_<bucket>): Bucket, Description, Created, Size, Values, Last
// Update.
std::string kv_bucket_table(const std::vector<jetstream::StreamInfo>& streams, jetstream::Time now);

// ----- object stores -----

std::string object_info_text(const jetstream::ObjectInfo& info);
// Name, Size, Time.
std::string object_table(const std::string& bucket,
                         const std::vector<jetstream::ObjectInfo>& objects);
// A bucket from its stream (OBJ_<bucket>).
std::string object_bucket_text(const jetstream::StreamInfo& stream);
std::string object_bucket_table(const std::vector<jetstream::StreamInfo>& streams);

}  // namespace quiver::cli
