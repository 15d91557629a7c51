package router

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/firehose"
	"github.com/aws/aws-sdk-go-v2/service/firehose/types"
)

// acceptAll answers every PutRecordBatch with success, without I/O: a fake
// so the benchmark measures the router's own CPU per target, not a
// network. Delivery itself is tested against moto.
type acceptAll struct {
	resp []types.PutRecordBatchResponseEntry
}

func (a *acceptAll) PutRecordBatch(_ context.Context, in *firehose.PutRecordBatchInput, _ ...func(*firehose.Options)) (*firehose.PutRecordBatchOutput, error) {
	if cap(a.resp) < len(in.Records) {
		a.resp = make([]types.PutRecordBatchResponseEntry, len(in.Records))
	}
	return &firehose.PutRecordBatchOutput{RequestResponses: a.resp[:len(in.Records)]}, nil
}

// BenchmarkRouteTargets measures Handler.Route on the benchmark payload
// (1,000 events, 5% ERROR, 10% WARN) with the archive alone (baseline) and
// with the analysis tier's ERROR and WARN streams as well, in one run;
// x-archive is the two-target route's events per CPU second over the
// baseline's.
func BenchmarkRouteTargets(b *testing.B) {
	data, _ := benchData(b)
	var base rate
	for _, tc := range []struct {
		name     string
		analysis [numTiers]string
	}{
		{"archive", [numTiers]string{}},
		{"archive+analysis", [numTiers]string{TierError: "errors", TierWarn: "warnings"}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			h := NewHandler(Config{DeliveryStreamName: "archive", Rules: DefaultRules(), AnalysisStreams: tc.analysis},
				&acceptAll{}, nil, slog.New(slog.NewJSONHandler(io.Discard, nil)))
			ctx := context.Background()
			r := measure(b, func() {
				if _, err := h.Route(ctx, data); err != nil {
					b.Fatal(err)
				}
			})
			if tc.analysis == ([numTiers]string{}) {
				base = r
			} else if base.cpu > 0 {
				b.ReportMetric(r.cpu/base.cpu, "x-archive")
			}
		})
	}
}
