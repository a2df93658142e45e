#!/usr/bin/env bash
#
# The compose file's one-shot topic initialiser (service kafka-init, apache/kafka image): creates
# each example service's request, dead-letter and event topics (names as in bus-core's BusTopics)
# with three replicas and min.insync.replicas=2, so that an acknowledged request survives the loss
# of a broker. Existing topics are left as they are; a second run changes nothing.
#
# Environment: BOOTSTRAP (the brokers), REQUEST_PARTITIONS (per topic; caps how many bridges of
# one service share the work).

set -euo pipefail

readonly SERVICES=(user post message)
readonly TOPICS_TOOL=/opt/kafka/bin/kafka-topics.sh
export KAFKA_HEAP_OPTS="-Xmx128m"

for service in "${SERVICES[@]}"; do
	for topic in "${service}.requests" "${service}.requests-dlt" "${service}.events"; do
		"${TOPICS_TOOL}" --bootstrap-server "${BOOTSTRAP}" --create --if-not-exists --topic "${topic}" \
			--partitions "${REQUEST_PARTITIONS}" --replication-factor 3 --config min.insync.replicas=2
	done
done
"${TOPICS_TOOL}" --bootstrap-server "${BOOTSTRAP}" --describe --topics-with-overrides
