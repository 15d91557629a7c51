package forward

import "fmt"

// Kinesis PutRecords limits. A record's size is its data plus its
// partition key, for the per-record and the per-request limit.
const (
	MaxRecordsPerRequest = 500
	MaxRequestBytes      = 5 << 20
	MaxRecordBytes       = 1 << 20
	// PackLimitBytes caps how many datapoint lines go into one record. It
	// is Firehose's 1,000 KiB record limit rather than Kinesis' 1 MiB, so a
	// record stays deliverable if the stream is swapped for Firehose
	// direct put.
	PackLimitBytes = 1000 << 10
	// PackLimitLines caps the datapoint lines of one record: the central
	// Firehose de-aggregates JSON records and handles at most 500
	// sub-records per record
	// (https://docs.aws.amazon.com/firehose/latest/dev/dynamic-partitioning-multirecord-deaggergation.html),
	// so a series of more datapoints (e.g. a 1-day window of 1-minute
	// ones) must not share one record.
	PackLimitLines = 500
)

// Entry is one Kinesis record to put.
type Entry struct {
	PartitionKey string
	Data         []byte
}

// Size is what Kinesis counts against its limits.
func (e Entry) Size() int { return len(e.PartitionKey) + len(e.Data) }

// RecordTooLargeError reports a record that no PutRecords request can
// carry. It is counted as failed, never dropped silently.
type RecordTooLargeError struct {
	PartitionKey string
	Bytes        int
}

func (e *RecordTooLargeError) Error() string {
	return fmt.Sprintf("record with partition key %q is %d bytes (data + partition key); Kinesis allows at most %d per record",
		e.PartitionKey, e.Bytes, MaxRecordBytes)
}

// Batcher groups entries, in order, into PutRecords requests of at most
// MaxRecordsPerRequest records and MaxRequestBytes bytes.
type Batcher struct {
	cur      []Entry
	curBytes int
	ready    [][]Entry
}

// Add appends e to the current batch, first closing that batch if e would
// overflow it. An entry over MaxRecordBytes is rejected with a
// *RecordTooLargeError and not batched.
func (b *Batcher) Add(e Entry) error {
	size := e.Size()
	if size > MaxRecordBytes {
		return &RecordTooLargeError{PartitionKey: e.PartitionKey, Bytes: size}
	}
	if len(b.cur) == MaxRecordsPerRequest || b.curBytes+size > MaxRequestBytes {
		b.ready = append(b.ready, b.cur)
		b.cur, b.curBytes = nil, 0
	}
	if b.cur == nil {
		b.cur = make([]Entry, 0, MaxRecordsPerRequest)
	}
	b.cur = append(b.cur, e)
	b.curBytes += size
	return nil
}

// Ready removes and returns the batches that are closed: full, or closed
// because the next entry did not fit.
func (b *Batcher) Ready() [][]Entry {
	r := b.ready
	b.ready = nil
	return r
}

// Flush removes and returns every batch, including the open one.
func (b *Batcher) Flush() [][]Entry {
	if len(b.cur) > 0 {
		b.ready = append(b.ready, b.cur)
		b.cur, b.curBytes = nil, 0
	}
	return b.Ready()
}

// packLines splits the newline-terminated lines in data, at line ends,
// into records of at most PackLimitBytes (partition key included) and
// PackLimitLines lines. A line that alone exceeds the byte limit becomes a
// record of its own. The records share data's backing array.
func packLines(partitionKey string, data []byte, lineEnds []int, out []Entry) []Entry {
	start, prev, lines := 0, 0, 0
	for _, end := range lineEnds {
		if prev > start && (end-start+len(partitionKey) > PackLimitBytes || lines == PackLimitLines) {
			out = append(out, Entry{PartitionKey: partitionKey, Data: data[start:prev:prev]})
			start, lines = prev, 0
		}
		prev = end
		lines++
	}
	if prev > start {
		out = append(out, Entry{PartitionKey: partitionKey, Data: data[start:prev:prev]})
	}
	return out
}
