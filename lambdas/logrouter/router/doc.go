// Package router is the logic of the log router Lambda, the target of the
// CloudWatch Logs subscription filters of the tiered log pipeline. It
// decodes subscription payloads, classifies every event by tier and status,
// and forwards the selected events to a Firehose delivery stream.
//
// # Environment
//
//	DELIVERY_STREAM_NAME    Firehose delivery stream (required).
//	MAX_DECOMPRESSED_BYTES  cap on one payload's gunzipped size, in bytes,
//	                        1024-1073741824; default 8388608 (8 MiB).
//	FORWARD_TIERS           tiers to forward: "ERROR,WARN" or ["ERROR","WARN"];
//	                        names ERROR, WARN, INFO, DEBUG, UNKNOWN (no level);
//	                        "[]" forwards by status only; default ERROR.
//	FORWARD_MIN_STATUS      forward events whose status_code is at least this,
//	                        100-599, or 0 to turn the rule off; default 500.
//	LOG_LEVEL               level of the function's own logs: DEBUG, INFO,
//	                        WARN, ERROR; default INFO.
//	ANALYSIS_STREAMS        the analysis tier's Firehose streams, one per
//	                        tier (and OpenSearch index):
//	                        "ERROR=errors-stream,WARN=warnings-stream";
//	                        unset: the archive is the only target.
//
// The defaults are the seed's filter { $.level = "ERROR" || $.status_code >= 500 }.
//
// # Decoding
//
// awslogs.data is base64-decoded, then gunzipped into a reused buffer that
// stops at MAX_DECOMPRESSED_BYTES, so a gzip bomb fails fast with
// ErrTooLarge instead of exhausting memory. The decompressor is
// github.com/klauspost/compress/gzip, reset for each payload without
// allocating. It accepts what compress/gzip accepts and yields the same
// bytes (FuzzGunzip, FuzzGunzipValid), except that a header with a
// reserved FLG bit set is malformed, as RFC 1952 section 2.3.1.2 requires.
// The JSON document is scanned in place: no tree, no per-event allocation.
// A message that is a JSON object is classified where it sits in the
// document, still escaped (its quotes read as \", its whitespace as \n, \t,
// \r), without unescaping or copying it; a message that path does not
// handle (not a valid object, \u escapes in the literal, an escaped key or
// level, nesting deeper than 64) is unescaped into a small reused buffer,
// sixteen bytes at a time, and classified from there, the unescaper
// recording where quotes, backslashes and control characters land so the
// classifier jumps over string contents. The decoder accepts exactly the
// documents json.Unmarshal into events.CloudwatchLogsData accepts and yields
// the same values (case-insensitive keys, last duplicate wins, null leaves a
// field unchanged, U+FFFD for invalid UTF-8); differential fuzz tests hold
// it to that.
//
// Throughput, events per CPU second, 1,000 events of ~500 bytes, 2-core
// amd64, medians of one run of
//
//	go test -run '^$' -bench 'Decode/.*/(naive|limit-stdlib|limit|route-stdlib|route)$' -benchmem -count 5 ./lambdas/logrouter/router
//
//	shape       naive  limit-stdlib  limit  route-stdlib  route  route/route-stdlib
//	structured    47k          649k   794k          371k   517k  1.38x (1.37-1.40)
//	message       73k          583k   713k          395k   529k  1.32x (1.24-1.34)
//
// limit is base64 and gunzip alone (the floor); route is the whole CPU path
// of an invocation, records included, with no allocation per warm payload.
// route-stdlib is the route before this decode path: compress/gzip read in
// a loop and every message unescaped before it is classified (the baseline
// path, kept behind a test-only hook). Inflate is now about 60% of route.
//
// # Classification
//
// A message that json.Unmarshal can decode into a map[string]any (a JSON
// object, or null) is JSON: its tier comes from the top-level string
// "level" and its status from the top-level number "status_code" (5e2 is
// 500). Level words match ASCII case-insensitively: ERROR (also ERR,
// CRITICAL, CRIT, FATAL, PANIC, ALERT, EMERG, EMERGENCY, SEVERE), WARN
// (WARNING), INFO (NOTICE), DEBUG (TRACE). Any other message is a plain
// line: the first of its first four whitespace-separated fields that is a
// level word, ignoring brackets, a trailing colon or a "level=" prefix,
// gives the tier ("[ERROR] …", "time\trequest\tERROR\t…", "level=error …");
// plain lines have no status. Only the fields routing needs are read, but
// the whole message is validated, so routing agrees with encoding/json on
// every input (escapes, unicode, duplicate keys, overflowing numbers,
// nesting depth).
//
// # Forwarding
//
// Each selected event becomes one Firehose record, a JSON object and a
// newline:
//
//	{"logGroup":…,"logStream":…,"owner":…,"id":…,"timestamp":…,"tier":"ERROR","status":503,"message":…}
//
// id is the CloudWatch event id: delivery is at least once (a retried
// invocation sends its records again), and consumers deduplicate on id. A
// record over 1,000 KiB is split into parts that carry the same id plus
// "part" and "parts"; nothing is truncated. Records go out with
// PutRecordBatch in batches of at most 500 records and 4 MiB. Entries that
// fail (FailedPutCount > 0 on HTTP 200, per-entry ErrorCode) are resent
// alone, with exponential backoff and full jitter, within the invocation
// deadline; records still failing make the invocation return an error that
// counts them, so Lambda retries and then hands the event to the
// on-failure destination.
//
// # Two targets
//
// With ANALYSIS_STREAMS set, an event whose tier has a stream there goes
// to that stream as well, whatever the archive rules decide: the record is
// built once and sent to each target that selected its event, each target
// with its own batches, retries and failure marks. An event
// any of its targets did not take counts in EventsFailed and fails the
// invocation, with the error naming each stream's undelivered records;
// AnalysisEventsForwarded and AnalysisEventsFailed count the analysis
// streams alone. A retried invocation resends to every target, so the
// analysis documents carry the same id to deduplicate on.
//
// # Malformed payloads
//
// A payload that cannot be decoded (bad base64, gzip or JSON, over the cap,
// unknown messageType) will never succeed, but dropping it would lose it
// silently. The router logs it, counts DecodeErrors and returns an error
// wrapping ErrMalformed, so the payload ends in the on-failure destination
// (or DLQ) where it can be inspected. Lambda's two async retries count it
// again; they fail fast.
//
// # Metrics
//
// Every invocation writes EMF in namespace METRIC_NAMESPACE (default
// O11yscale/Pipeline) with dimension Function=logrouter: EventsIn,
// EventsForwarded, EventsFailed, RecordsRetried, RecordsFailed,
// DecodeErrors (with analysis streams also AnalysisEventsForwarded and
// AnalysisEventsFailed); and EventsDropped with an
// extra Reason dimension: control-message, tier-not-forwarded,
// record-too-large. EventsIn = EventsForwarded + EventsFailed + the sum of
// EventsDropped.
package router
