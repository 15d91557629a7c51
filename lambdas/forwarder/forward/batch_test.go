package forward

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// checkBatches asserts the PutRecords limits and that batches hold want,
// in order, each entry exactly once.
func checkBatches(t *testing.T, batches [][]Entry, want []Entry) {
	t.Helper()
	var got []Entry
	for i, b := range batches {
		if len(b) == 0 || len(b) > MaxRecordsPerRequest {
			t.Fatalf("batch %d has %d records, want 1-%d", i, len(b), MaxRecordsPerRequest)
		}
		size := 0
		for _, e := range b {
			if e.Size() > MaxRecordBytes {
				t.Fatalf("batch %d carries a %d-byte record", i, e.Size())
			}
			size += e.Size()
		}
		if size > MaxRequestBytes {
			t.Fatalf("batch %d is %d bytes, limit %d", i, size, MaxRequestBytes)
		}
		got = append(got, b...)
	}
	if len(got) != len(want) {
		t.Fatalf("batched %d entries, want %d", len(got), len(want))
	}
	for i := range got {
		if got[i].PartitionKey != want[i].PartitionKey || &got[i].Data[0] != &want[i].Data[0] {
			t.Fatalf("entry %d is %q, want %q (order or identity changed)", i, got[i].PartitionKey, want[i].PartitionKey)
		}
	}
}

func entryOfSize(key string, size int) Entry {
	return Entry{PartitionKey: key, Data: bytes.Repeat([]byte{'x'}, size-len(key))}
}

func TestBatcherNeverExceedsPutRecordsLimits(t *testing.T) {
	const key = "0123456789abcdef0123456789abcdef"
	cases := []struct {
		name        string
		sizes       []int
		wantBatches int
	}{
		{"one small record", []int{200}, 1},
		{"exactly 500 records", repeat(200, 500), 1},
		{"501 records", repeat(200, 501), 2},
		{"10,000 per-metric records", repeat(1500, 10000), 20},
		{"five max-size records fill 5 MiB", repeat(MaxRecordBytes, 5), 1},
		{"six max-size records need two requests", repeat(MaxRecordBytes, 6), 2},
		{"a small record after a full 5 MiB", append(repeat(MaxRecordBytes, 5), 33), 2},
		{"large records cap before count", repeat(20000, 600), 3},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var b Batcher
			var want []Entry
			var batches [][]Entry
			for i, s := range c.sizes {
				e := entryOfSize(key, s)
				if err := b.Add(e); err != nil {
					t.Fatalf("entry %d (%d bytes): %v", i, s, err)
				}
				want = append(want, e)
				batches = append(batches, b.Ready()...)
			}
			batches = append(batches, b.Flush()...)
			checkBatches(t, batches, want)
			if len(batches) != c.wantBatches {
				t.Fatalf("%d batches, want %d (the fewest the limits allow)", len(batches), c.wantBatches)
			}
		})
	}
}

func TestBatcherRandomSizesStayWithinLimits(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var b Batcher
	var want []Entry
	var batches [][]Entry
	for i := range 5000 {
		var size int
		switch rng.IntN(10) {
		case 0:
			size = MaxRecordBytes - rng.IntN(1000)
		case 1:
			size = 100000 + rng.IntN(400000)
		default:
			size = 40 + rng.IntN(3000)
		}
		e := entryOfSize(fmt.Sprintf("%032x", i), size)
		if err := b.Add(e); err != nil {
			t.Fatal(err)
		}
		want = append(want, e)
		if rng.IntN(50) == 0 {
			batches = append(batches, b.Ready()...)
		}
	}
	batches = append(batches, b.Flush()...)
	checkBatches(t, batches, want)
}

func TestBatcherRejectsAHugeRecordClearlyAndKeepsTheRest(t *testing.T) {
	const key = "deadbeefdeadbeefdeadbeefdeadbeef"
	cases := []struct {
		name string
		size int
	}{
		{"one byte over 1 MiB counting the key", MaxRecordBytes + 1},
		{"10 MiB", 10 << 20},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var b Batcher
			small := entryOfSize("a", 100)
			if err := b.Add(small); err != nil {
				t.Fatal(err)
			}
			err := b.Add(entryOfSize(key, c.size))
			var tooLarge *RecordTooLargeError
			if !errors.As(err, &tooLarge) {
				t.Fatalf("Add of a %d-byte record returned %v, want *RecordTooLargeError", c.size, err)
			}
			msg := err.Error()
			for _, want := range []string{key, fmt.Sprint(c.size), "1048576", "data + partition key"} {
				if !strings.Contains(msg, want) {
					t.Errorf("error %q does not mention %q", msg, want)
				}
			}
			checkBatches(t, b.Flush(), []Entry{small})
		})
	}
}

func TestBatcherAcceptsARecordOfExactly1MiBIncludingKey(t *testing.T) {
	var b Batcher
	e := entryOfSize("k", MaxRecordBytes)
	if err := b.Add(e); err != nil {
		t.Fatalf("a record of exactly %d bytes was rejected: %v", MaxRecordBytes, err)
	}
	checkBatches(t, b.Flush(), []Entry{e})
}

func TestPackLinesSplitsAtLineEndsWithinThePackLimit(t *testing.T) {
	cases := []struct {
		name        string
		lineSizes   []int
		wantRecords int
	}{
		{"five small lines make one record", repeat(300, 5), 1},
		{"a day of 1-second datapoints splits at 500 lines a record", repeat(400, 86400), 173},
		{"600 small lines are 500 and 100, for Firehose de-aggregation", repeat(60, 600), 2},
		{"500 small lines are one record", repeat(60, 500), 1},
		{"600 lines of 4,000 bytes split by bytes before lines (255 a record)", repeat(4000, 600), 3},
		{"one line over the pack limit stands alone", []int{100, PackLimitBytes + 10, 100}, 3},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			const key = "0123456789abcdef0123456789abcdef"
			var data []byte
			var ends []int
			for i, n := range c.lineSizes {
				line := append(bytes.Repeat([]byte{byte('a' + i%26)}, n-1), '\n')
				data = append(data, line...)
				ends = append(ends, len(data))
			}
			recs := packLines(key, data, ends, nil)
			if len(recs) != c.wantRecords {
				t.Fatalf("%d records, want %d", len(recs), c.wantRecords)
			}
			var joined []byte
			for i, r := range recs {
				if r.PartitionKey != key {
					t.Fatalf("record %d has key %q", i, r.PartitionKey)
				}
				if r.Data[len(r.Data)-1] != '\n' {
					t.Fatalf("record %d does not end at a line end", i)
				}
				if n := bytes.Count(r.Data, []byte{'\n'}); n > PackLimitLines {
					t.Fatalf("record %d has %d lines, over Firehose's de-aggregation cap of %d", i, n, PackLimitLines)
				}
				if r.Size() > PackLimitBytes && bytes.Count(r.Data, []byte{'\n'}) > 1 {
					t.Fatalf("record %d is %d bytes with several lines, over the pack limit", i, r.Size())
				}
				joined = append(joined, r.Data...)
			}
			if !bytes.Equal(joined, data) {
				t.Fatal("records do not reassemble to the lines in order")
			}
		})
	}
}

func repeat(v, n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = v
	}
	return s
}
