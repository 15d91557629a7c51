package platform

import (
	"fmt"
	"strings"

	"github.com/o11yscale/o11yscale/constructs/governance/cost"
	"github.com/o11yscale/o11yscale/constructs/logtiers"
)

// The log tiers: each tier's destination, class and retention from
// logs.service.tiers, an S3 tier's lifecycle from logs.archive (Fluent
// Bit's s3 output writes the tier straight to the archive).
var _ = registerCostPart("logs", func(d *costDerivation) {
	tiers := d.p.Logs.Service.Tiers.WithDefaults()
	archive := d.p.Logs.Archive.WithDefaults()
	d.arch.Logs.S3Delivery = "direct"
	scan := d.in.Assumptions.Logs.InsightsScan
	for _, t := range []struct {
		tier  cost.Tier
		props logtiers.TierProps
		scan  float64
		set   *cost.TierRoute
	}{
		{cost.TierError, tiers.Error, scan.Error, &d.arch.Logs.Tiers.Error},
		{cost.TierWarn, tiers.Warn, scan.Warn, &d.arch.Logs.Tiers.Warn},
		{cost.TierInfo, tiers.Info, scan.Info, &d.arch.Logs.Tiers.Info},
		{cost.TierDebug, tiers.Debug, scan.Debug, &d.arch.Logs.Tiers.Debug},
	} {
		lower := strings.ToLower(string(t.tier))
		field := "logs.service.tiers." + lower
		var from string
		switch t.props.Destination {
		case logtiers.CloudWatch:
			*t.set = cost.TierRoute{Destination: cost.DestinationCloudWatch, Class: string(t.props.Class), RetentionDays: t.props.RetentionDays, InsightsScanShare: t.scan}
			from = fmt.Sprintf("%s: cloudwatch, %s, %d days", field, t.props.Class, t.props.RetentionDays)
		case logtiers.S3:
			class := cost.GlacierInstantRetrieval
			if archive.TransitionClass == logtiers.GlacierFlexibleRetrieval {
				class = cost.GlacierFlexibleRetrieval
			}
			*t.set = cost.TierRoute{Destination: cost.DestinationS3, RetentionDays: archive.ExpirationDays, GlacierAfterDays: archive.TransitionDays, GlacierClass: class}
			from = fmt.Sprintf("%s: s3; logs.archive: %s after %d days, expires after %d days", field, archive.TransitionClass, archive.TransitionDays, archive.ExpirationDays)
			if d.p.Logs.CentralArchive {
				// Same lifecycle, one bucket: only where it is billed moves.
				from += fmt.Sprintf("; stored in the central archive of account %s in %s", d.p.centralArchiveAccount(), d.p.CentralRegion)
			}
		default:
			*t.set = cost.TierRoute{Destination: cost.DestinationDrop}
			from = field + ": drop"
		}
		if t.scan != 0 && t.props.Destination != logtiers.CloudWatch {
			d.errs.Add("cost.assumptions.logs.insightsScan."+lower, t.scan, "0 unless %s.destination is cloudwatch (it is %s, which Logs Insights cannot scan)", field, t.props.Destination)
			t.set.InsightsScanShare = 0
		}
		d.archSource(cost.SourceTier(t.tier), from)
	}
})
