package router

import (
	"bytes"
	stdflate "compress/flate"
	stdgzip "compress/gzip"
	"encoding/base64"
	"errors"
	"io"
	"testing"

	"github.com/klauspost/compress/flate"
	"github.com/klauspost/compress/gzip"
)

// The decode path gunzips with klauspost/compress; these targets hold it
// to compress/gzip (referenceGunzip: plus RFC 1952's reserved-flag rule,
// the one place the two differ): the same bytes, or the same class of
// error, on arbitrary input and on valid gzip of arbitrary documents,
// through the Decoder's capped gunzip with a reused reader.

// gzipErrorClass names what kind of failure err is, whichever gzip
// package produced it. A corrupt and a truncated deflate stream are one
// class: klauspost/compress v1.20.4 keeps the previous Huffman table when a
// dynamic block declares an empty code-length code (huffmanDecoder.init
// returns before clearing its chunks; compress/gzip clears them), so on
// such a stream, after an earlier block or payload, it reads on and runs
// out of input or into a length code no table has (flate.InternalError)
// where compress/gzip stops at once as corrupt. Both reject
// the stream (TestGunzipRejectsEmptyCodeLengthCodeAfterReuse).
func gzipErrorClass(err error) string {
	var stdCorrupt stdflate.CorruptInputError
	var corrupt flate.CorruptInputError
	var internal flate.InternalError
	switch {
	case err == nil:
		return "ok"
	case errors.Is(err, ErrTooLarge):
		return "too large"
	case errors.Is(err, stdgzip.ErrHeader), errors.Is(err, gzip.ErrHeader):
		return "bad header"
	case errors.Is(err, stdgzip.ErrChecksum), errors.Is(err, gzip.ErrChecksum):
		return "bad checksum"
	case errors.As(err, &stdCorrupt), errors.As(err, &corrupt), errors.As(err, &internal),
		errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return "corrupt or truncated"
	}
	return "unexpected: " + err.Error()
}

// TestGunzipRejectsEmptyCodeLengthCodeAfterReuse pins the case above: a
// dynamic block whose code-length code is empty, read by a reader reused
// after a payload with a dynamic block, fails as malformed, as it does on
// a fresh reader and in compress/gzip.
func TestGunzipRejectsEmptyCodeLengthCodeAfterReuse(t *testing.T) {
	bad := []byte{0x1f, 0x8b, 8, 0, '0', '0', '0', '0', '0', '0', 0x24, 0x30, 0, 0}
	if _, err := referenceGunzip(bad, fuzzLimit); err == nil {
		t.Fatal("compress/gzip accepts the stream; the case is wrong")
	}
	for _, prev := range [][]byte{nil, gzipBytes(t, make([]byte, fuzzLimit)), gzipBytes(t, benchDocument(50))} {
		dec := Decoder{MaxDecompressedBytes: fuzzLimit}
		if prev != nil {
			if _, err := dec.gunzip(prev); err != nil {
				t.Fatal(err)
			}
		}
		doc, err := dec.gunzip(bad)
		if !errors.Is(err, ErrMalformed) || doc != nil {
			t.Fatalf("after %d compressed bytes: gunzip = %d bytes, %v; want ErrMalformed", len(prev), len(doc), err)
		}
	}
}

// gunzipBoth gunzips compressed with the decode path's reader and with
// referenceGunzip and fails t unless they agree.
func gunzipBoth(t *testing.T, fast *Decoder, compressed []byte) ([]byte, error) {
	t.Helper()
	got, err := fast.gunzip(compressed)
	want, wantErr := referenceGunzip(compressed, fast.MaxDecompressedBytes)
	gc, wc := gzipErrorClass(err), gzipErrorClass(wantErr)
	if gc != wc || gc != "ok" && !errors.Is(err, ErrMalformed) {
		t.Fatalf("gunzip(%x): %v (%s); compress/gzip: %v (%s)", compressed, err, gc, wantErr, wc)
	}
	if err == nil && !bytes.Equal(got, want) {
		t.Fatalf("gunzip(%x) = %d bytes %.64q…, compress/gzip gives %d bytes %.64q…", compressed, len(got), got, len(want), want)
	}
	return got, err
}

func FuzzGunzip(f *testing.F) {
	for _, ev := range readEvents(f) {
		raw, err := base64.StdEncoding.DecodeString(ev.AWSLogs.Data)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw)
		f.Add(raw[:len(raw)/2])                                     // truncated
		f.Add(raw[:len(raw)-4])                                     // no ISIZE
		f.Add(append(append([]byte{}, raw...), raw...))             // two members
		f.Add(append(append([]byte{}, raw...), 0x1f))               // partial second header
		f.Add(append(append([]byte{}, raw...), "junk after it"...)) // garbage after the member
		bad := append([]byte{}, raw...)
		bad[len(bad)-6] ^= 0x01 // CRC-32 no longer matches
		f.Add(bad)
		bad = append([]byte{}, raw...)
		bad[12] ^= 0x40 // inside the deflate stream
		f.Add(bad)
	}
	f.Add([]byte{})
	f.Add([]byte{0x1f, 0x8b, 8, 0xff, 0, 0, 0, 0, 0, 0})               // reserved flags
	f.Add([]byte{0x1f, 0x8b, 8, 0x30, 0, 0, 0, 0, 0, 0, '0', 0, 3, 0}) // reserved flag after a comment
	f.Add(gzipBytes(f, make([]byte, 2*fuzzLimit)))                     // bomb
	f.Add(gzipBytes(f, make([]byte, fuzzLimit)))                       // exactly the cap
	fast := &Decoder{MaxDecompressedBytes: fuzzLimit}
	f.Fuzz(func(t *testing.T, compressed []byte) {
		_, _ = gunzipBoth(t, fast, compressed)
	})
}

// FuzzGunzipValid compresses doc as one or more gzip members, with either
// package's writer at any level and optional header fields, and checks
// that both readers return doc (or both stop at the cap).
func FuzzGunzipValid(f *testing.F) {
	for _, doc := range readDocuments(f) {
		f.Add(doc, int8(6), uint8(1), false, "")
		f.Add(doc, int8(1), uint8(3), true, "name")
		f.Add(doc, int8(-2), uint8(2), false, "x")
	}
	f.Add(benchDocument(20), int8(9), uint8(1), true, "")
	f.Add([]byte{}, int8(0), uint8(2), false, "")
	f.Add(make([]byte, fuzzLimit+1), int8(6), uint8(1), false, "")
	fast := &Decoder{MaxDecompressedBytes: fuzzLimit}
	f.Fuzz(func(t *testing.T, doc []byte, level int8, members uint8, klauspostWriter bool, name string) {
		// Readers take header strings of up to 511 bytes.
		name = name[:min(len(name), 255)]
		level = level%12 - 2 // -2 (Huffman only) .. 9
		if level < -2 {
			level += 12
		}
		n := int(members%4) + 1
		var buf bytes.Buffer
		for m := range n {
			part := doc[m*len(doc)/n : (m+1)*len(doc)/n]
			var zw io.WriteCloser
			var err error
			if klauspostWriter {
				var w *gzip.Writer
				if w, err = gzip.NewWriterLevel(&buf, int(level)); err == nil {
					w.Name, w.Comment = name, name
					zw = w
				}
			} else {
				var w *stdgzip.Writer
				if w, err = stdgzip.NewWriterLevel(&buf, int(level)); err == nil {
					w.Name, w.Comment = name, name
					zw = w
				}
			}
			if err != nil {
				t.Fatal(err)
			}
			if _, err := zw.Write(part); err != nil {
				// A header string outside Latin-1 is not writable.
				t.Skip(err)
			}
			if err := zw.Close(); err != nil {
				t.Skip(err)
			}
		}
		got, err := gunzipBoth(t, fast, buf.Bytes())
		if len(doc) > fuzzLimit {
			if !errors.Is(err, ErrTooLarge) {
				t.Fatalf("%d bytes over the cap %d: %v, want ErrTooLarge", len(doc), fuzzLimit, err)
			}
			return
		}
		if err != nil || !bytes.Equal(got, doc) {
			t.Fatalf("valid gzip of %d bytes decoded to %d other bytes: %v", len(doc), len(got), err)
		}
	})
}
