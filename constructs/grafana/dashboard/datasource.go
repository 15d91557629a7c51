package dashboard

import "github.com/o11yscale/o11yscale/lambdas/grafanaprovisioner/contract"

// Grafana plugin ids of the data sources the dashboards use.
const (
	CloudWatchType = "cloudwatch"
	XRayType       = "grafana-x-ray-datasource"
	// XRayUID is the stable uid of the single X-Ray data source; its query
	// carries the region.
	XRayUID = "xray"
	// mixedUID is Grafana's pseudo data source for panels whose targets use
	// more than one data source.
	mixedUID = "-- Mixed --"
)

// DataSource is one Grafana data source the dashboards reference by uid;
// the provisioner receives the list of them as its DataSources property.
type DataSource = contract.DataSource

// RefTo is the reference to d a panel or target stores.
func RefTo(d DataSource) DataSourceRef { return DataSourceRef{Type: d.Type, UID: d.UID} }

// CloudWatchUID is the stable uid of the CloudWatch data source whose
// default region is region, e.g. "cw-us-east-1".
func CloudWatchUID(region string) string { return "cw-" + region }

func cloudWatch(region string) DataSource {
	return DataSource{UID: CloudWatchUID(region), Name: "CloudWatch " + region, Type: CloudWatchType, Region: region}
}

// DataSources lists the data sources the dashboards need: one CloudWatch
// data source per workload region, one for the central region when it is
// not a workload region, X-Ray (default region: the central region) and,
// with the analysis tier on, one OpenSearch data source per workload
// region's collection.
func DataSources(p Platform) []DataSource {
	p = p.WithDefaults()
	var out []DataSource
	central := false
	for _, r := range p.Regions {
		out = append(out, cloudWatch(r))
		central = central || r == p.CentralRegion
	}
	if !central && p.CentralRegion != "" {
		out = append(out, cloudWatch(p.CentralRegion))
	}
	out = append(out, DataSource{UID: XRayUID, Name: "X-Ray", Type: XRayType, Region: p.CentralRegion})
	if p.Analysis.On() {
		for _, r := range p.Analysis.regions(p) {
			out = append(out, openSearch(p, r))
		}
	}
	return out
}

// Folder is a Grafana folder the dashboards are filed in; the provisioner
// receives the list of them as its Folders property.
type Folder = contract.Folder

// PlatformFolder holds p's platform dashboards: uid "<name>", title
// "<name> platform" (Platform.Name after defaults).
func PlatformFolder(p Platform) Folder {
	name := platformName(p)
	return Folder{UID: name, Title: name + " platform"}
}

// ServicesFolder holds p's RED dashboards: uid "<name>-services", title
// "<name> services".
func ServicesFolder(p Platform) Folder {
	name := platformName(p)
	return Folder{UID: name + "-services", Title: name + " services"}
}

// Folders lists the folders the dashboards of All are filed in.
func Folders(p Platform) []Folder { return []Folder{PlatformFolder(p), ServicesFolder(p)} }
