package router

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// benchEvents is the size of the benchmark payload: 1,000 JSON log events
// of about 500 bytes, as the issue specifies.
const benchEvents = 1000

// benchDocument builds a realistic subscription document deterministically:
// structured JSON logs of a web service, 18 fields each, with varied ids,
// paths, latencies, levels (5% ERROR, 10% WARN, 60% INFO, 25% DEBUG), some
// 5xx statuses, and messages with quotes, unicode and newlines. Many short
// fields make it the costly shape for every JSON decoder.
func benchDocument(n int) []byte {
	rng := rand.New(rand.NewPCG(1, 2))
	services := []string{"checkout", "payments", "catalog", "search", "accounts"}
	paths := []string{"/api/v1/orders/%d/items", "/api/v1/cart/%d", "/api/v2/search?q=shoes&page=%d", "/health", "/api/v1/users/%d/profile"}
	msgs := []string{"request completed", "order item added", "cache miss for key \"sku-%d\"", "payment authorised – café crème €%d",
		"upstream responded slowly\nretrying once", "validation failed: field \"email\" is required", "db query took %dms"}
	agents := []string{"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36",
		"okhttp/4.12.0", "aws-sdk-go-v2/1.30.0 os/linux lang/go#1.22", "curl/8.5.0"}
	hex := func(k int) string {
		const digits = "0123456789abcdef"
		b := make([]byte, k)
		for i := range b {
			b[i] = digits[rng.IntN(16)]
		}
		return string(b)
	}
	var doc bytes.Buffer
	doc.WriteString(`{"messageType":"DATA_MESSAGE","owner":"123456789012","logGroup":"/ecs/checkout-service","logStream":"checkout/app/0f6e0b5c8e1f4d2a","subscriptionFilters":["o11yscale-critical"],"logEvents":[`)
	ts := int64(1715681493000)
	for i := range n {
		level := "INFO"
		switch r := rng.IntN(100); {
		case r < 5:
			level = "ERROR"
		case r < 15:
			level = "WARN"
		case r >= 75:
			level = "DEBUG"
		}
		status := 200
		switch r := rng.IntN(100); {
		case r < 3:
			status = 500 + rng.IntN(4)
		case r < 10:
			status = 404
		case r < 15:
			status = 201
		}
		msg := msgs[rng.IntN(len(msgs))]
		if strings.Contains(msg, "%d") {
			msg = fmt.Sprintf(msg, rng.IntN(10000))
		}
		path := paths[rng.IntN(len(paths))]
		if strings.Contains(path, "%d") {
			path = fmt.Sprintf(path, rng.IntN(100000))
		}
		ts += int64(rng.IntN(20))
		line := map[string]any{
			"time":        fmt.Sprintf("2024-05-14T10:11:%02d.%06dZ", i%60, rng.IntN(1000000)),
			"level":       level,
			"service":     services[rng.IntN(len(services))],
			"env":         "prod",
			"region":      "eu-west-1",
			"trace_id":    "1-" + hex(8) + "-" + hex(24),
			"span_id":     hex(16),
			"request_id":  hex(8) + "-" + hex(4) + "-" + hex(4) + "-" + hex(4) + "-" + hex(12),
			"user_id":     fmt.Sprintf("u-%07d", rng.IntN(10000000)),
			"method":      []string{"GET", "POST", "PUT"}[rng.IntN(3)],
			"path":        path,
			"status_code": status,
			"duration_ms": float64(rng.IntN(200000)) / 100,
			"bytes_out":   rng.IntN(100000),
			"msg":         msg,
			"client_ip":   fmt.Sprintf("10.%d.%d.%d", rng.IntN(256), rng.IntN(256), rng.IntN(256)),
			"user_agent":  agents[rng.IntN(len(agents))],
			"attrs":       map[string]any{"cart_size": rng.IntN(20), "currency": "EUR", "retry": rng.IntN(10) == 0},
		}
		msgJSON, _ := json.Marshal(line)
		ev, _ := json.Marshal(map[string]any{
			"id":        fmt.Sprintf("3826954213457121095384839661743355781180647428639%07d", i),
			"timestamp": ts,
			"message":   string(msgJSON),
		})
		if i > 0 {
			doc.WriteByte(',')
		}
		doc.Write(ev)
	}
	doc.WriteString("]}")
	return doc.Bytes()
}

// messageDocument builds the other common shape deterministically: few
// fields (time, level, status_code, request_id) and a long free-text msg.
func messageDocument(n int) []byte {
	rng := rand.New(rand.NewPCG(3, 4))
	words := strings.Fields("payment processed for customer order shipped warehouse retry queue latency exceeded budget cache refreshed token expired session renewed – café €")
	var doc bytes.Buffer
	doc.WriteString(`{"messageType":"DATA_MESSAGE","owner":"123456789012","logGroup":"/aws/lambda/payments","logStream":"2024/05/14/[$LATEST]a1b2c3d4e5f60718","subscriptionFilters":["o11yscale-critical"],"logEvents":[`)
	for i := range n {
		var text strings.Builder
		for text.Len() < 380 {
			text.WriteString(words[rng.IntN(len(words))])
			text.WriteByte(' ')
			if rng.IntN(12) == 0 {
				fmt.Fprintf(&text, "%d ", rng.IntN(1000000))
			}
		}
		level := []string{"INFO", "INFO", "INFO", "DEBUG", "WARN", "ERROR"}[rng.IntN(6)]
		msg, _ := json.Marshal(map[string]any{
			"time":        fmt.Sprintf("2024-05-14T10:11:%02d.%03dZ", i%60, rng.IntN(1000)),
			"level":       level,
			"status_code": []int{200, 200, 200, 201, 404, 503}[rng.IntN(6)],
			"request_id":  fmt.Sprintf("%08x-%04x-%04x-%04x-%012x", rng.Uint32(), rng.IntN(1<<16), rng.IntN(1<<16), rng.IntN(1<<16), rng.Int64N(1<<48)),
			"msg":         text.String(),
		})
		ev, _ := json.Marshal(map[string]any{
			"id":        fmt.Sprintf("3826954213457121095384839661743355781180647428640%07d", i),
			"timestamp": 1715681493000 + int64(i)*3,
			"message":   string(msg),
		})
		if i > 0 {
			doc.WriteByte(',')
		}
		doc.Write(ev)
	}
	doc.WriteString("]}")
	return doc.Bytes()
}

// benchData returns the awslogs.data of benchDocument(benchEvents) and
// the document's length.
func benchData(tb testing.TB) (string, int) {
	doc := benchDocument(benchEvents)
	return encodeData(tb, doc), len(doc)
}

// rate is a benchmark's throughput in events per second, by the wall
// clock and by process CPU time (GC included; other load on a shared
// machine distorts it far less).
type rate struct{ wall, cpu float64 }

// measure runs body in a b.Loop and reports events/s, events/cpu-s and
// allocs/event.
func measure(b *testing.B, body func()) rate {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	cpu0 := cpuTime(b)
	for b.Loop() {
		body()
	}
	cpu := cpuTime(b) - cpu0
	runtime.ReadMemStats(&after)
	events := float64(b.N) * benchEvents
	r := rate{wall: events / b.Elapsed().Seconds(), cpu: events / cpu.Seconds()}
	b.ReportMetric(r.wall, "events/s")
	b.ReportMetric(r.cpu, "events/cpu-s")
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/events, "allocs/event")
	return r
}

// cpuTime is the CPU time (user + system) this process has used.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkDecode measures decoding and classifying every event of a
// realistic payload (1,000 events of ~500 bytes; two shapes: structured,
// 18 short fields, and message, 5 fields with a long text) three ways in
// one run:
//
//   - naive: base64, gunzip, json.Unmarshal of the envelope, then
//     json.Unmarshal of every message into map[string]any;
//   - limit: base64 and gunzip alone, the floor for any decoder;
//   - fast: this package's Decoder, which classifies as it decodes.
//
// limit runs with compress/gzip (limit-stdlib) and with the decode path's
// klauspost/compress reader. route adds building the Firehose records of
// the forwarded events (the whole CPU path of an invocation); route-stdlib
// is the route before klauspost/compress and classifyEscaped (compress/gzip,
// every message unescaped before it is classified: the baseline path of
// Decoder.newGzip), and route reports its speed-up over it (x-stdlib,
// target >= 1.3). fast and route report their speed-up
// over naive (x-naive, target >= 5) and how many times slower than limit
// they are (limit-x, target <= 4), both from events per CPU second, and
// the same from the wall clock (x-naive-wall, limit-x-wall).
func BenchmarkDecode(b *testing.B) {
	for _, shape := range []struct {
		name string
		doc  []byte
	}{
		{"structured", benchDocument(benchEvents)},
		{"message", messageDocument(benchEvents)},
	} {
		b.Run(shape.name, func(b *testing.B) {
			data := encodeData(b, shape.doc)
			b.Logf("%s: %d events, %d bytes of JSON, %d bytes base64", shape.name, benchEvents, len(shape.doc), len(data))
			benchDecode(b, data)
		})
	}
}

// stdlibGzip opens a compress/gzip reader: the decompressor the decode
// path used before klauspost/compress, kept as the benchmarks' baseline.
func stdlibGzip(r io.Reader) (gzipReader, error) { return gzip.NewReader(r) }

// decompressors are the two gzip readers the benchmarks compare, the
// baseline first; the suffix names the sub-benchmark.
var decompressors = []struct {
	suffix string
	open   func(io.Reader) (gzipReader, error)
}{
	{"-stdlib", stdlibGzip},
	{"", newKlauspostGzip},
}

func benchDecode(b *testing.B, data string) {
	var naive, limit, routeStd rate
	ratios := func(b *testing.B, r rate) {
		if naive.cpu > 0 {
			b.ReportMetric(r.cpu/naive.cpu, "x-naive")
			b.ReportMetric(r.wall/naive.wall, "x-naive-wall")
		}
		if limit.cpu > 0 {
			b.ReportMetric(limit.cpu/r.cpu, "limit-x")
			b.ReportMetric(limit.wall/r.wall, "limit-x-wall")
		}
	}
	b.Run("naive", func(b *testing.B) {
		var sink Tier
		naive = measure(b, func() {
			d, err := naiveDecode(data, DefaultMaxDecompressedBytes)
			if err != nil {
				b.Fatal(err)
			}
			for _, ev := range d.LogEvents {
				sink |= naiveClassify(ev.Message).Tier
			}
		})
	})
	// limit: base64 and gunzip into a reused buffer with a reused reader,
	// nothing else; limit-stdlib with compress/gzip, limit with the
	// decode path's klauspost reader. fast and route are compared with
	// the latter.
	for _, z := range decompressors {
		b.Run("limit"+z.suffix, func(b *testing.B) {
			var raw, doc []byte
			var zr gzipReader
			r := measure(b, func() {
				raw = append(raw[:0], make([]byte, base64.StdEncoding.DecodedLen(len(data)))...)
				n, err := base64.StdEncoding.Decode(raw, []byte(data))
				if err != nil {
					b.Fatal(err)
				}
				src := bytes.NewReader(raw[:n])
				if zr == nil {
					zr, err = z.open(src)
				} else {
					err = zr.Reset(src)
				}
				if err != nil {
					b.Fatal(err)
				}
				doc = doc[:0]
				for {
					if len(doc) == cap(doc) {
						doc = append(doc, 0)[:len(doc)]
					}
					m, err := zr.Read(doc[len(doc):cap(doc)])
					doc = doc[:len(doc)+m]
					if err == io.EOF {
						break
					}
					if err != nil {
						b.Fatal(err)
					}
				}
			})
			if z.suffix == "" {
				limit = r
			}
		})
	}
	b.Run("fast", func(b *testing.B) {
		var dec Decoder
		var sink Tier
		ratios(b, measure(b, func() {
			p, err := dec.Decode(data)
			if err != nil {
				b.Fatal(err)
			}
			for n := range p.Events {
				sink |= p.Events[n].Class.Tier
			}
		}))
	})
	// route is the whole CPU path of an invocation; route-stdlib is the
	// baseline path (compress/gzip and the unescaping message path), the
	// baseline of x-stdlib (route's events per CPU second over
	// route-stdlib's; target >= 1.3).
	for _, z := range decompressors {
		b.Run("route"+z.suffix, func(b *testing.B) {
			var dec Decoder // route: the decode path
			if z.suffix != "" {
				// route-stdlib: the baseline path, today's route (see
				// Decoder.newGzip)
				dec.newGzip = z.open
			}
			var rb recordBuilder
			rules := DefaultRules()
			forwarded := 0
			r := measure(b, func() {
				p, err := dec.Decode(data)
				if err != nil {
					b.Fatal(err)
				}
				rb.reset(p)
				for n := range p.Events {
					if ev := &p.Events[n]; rules.Forward(ev.Class) {
						rb.add(ev, n, ev.Class)
					}
				}
				forwarded = len(rb.list())
			})
			ratios(b, r)
			if z.suffix != "" {
				routeStd = r
			} else if routeStd.cpu > 0 {
				b.ReportMetric(r.cpu/routeStd.cpu, "x-stdlib")
				b.ReportMetric(r.wall/routeStd.wall, "x-stdlib-wall")
			}
			b.ReportMetric(float64(forwarded), "forwarded/op")
		})
	}
}
