#include "conformance/cases/all_cases.h"

namespace quiver::conformance {

void register_all_cases(Registry& registry) {
  register_handshake_cases(registry);
  register_verbose_cases(registry);
  register_pedantic_cases(registry);
  register_pubsub_cases(registry);
  register_wildcard_cases(registry);
  register_queue_cases(registry);
  register_unsub_cases(registry);
  register_request_cases(registry);
  register_headers_cases(registry);
  register_errors_cases(registry);
  register_limits_cases(registry);
  register_split_cases(registry);
  register_ping_cases(registry);
  register_slow_consumer_cases(registry);
  register_ordering_cases(registry);
  register_subjects_cases(registry);
  register_auth_cases(registry);
  register_monitoring_cases(registry);
  register_cluster_cases(registry);
  register_jetstream_cases(registry);
  register_jetstream_stream_cases(registry);
  register_jetstream_publish_cases(registry);
  register_jetstream_consumer_cases(registry);
  register_jetstream_kv_cases(registry);
}

}  // namespace quiver::conformance
