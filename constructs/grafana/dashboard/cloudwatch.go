package dashboard

import (
	"encoding/json"
	"fmt"
	"slices"
)

// CloudWatchGlobalAPIBody is the DashboardBody of an AWS::CloudWatch::Dashboard
// showing the same view as GlobalAPIPerformance and, when p has SLOs, the
// SLO rows of SLOOverview below it, for accounts without IAM Identity
// Center (which Managed Grafana needs). Each metric carries its own
// region, so one dashboard shows every workload region.
func CloudWatchGlobalAPIBody(p Platform) ([]byte, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	p = p.WithDefaults()
	type widget struct {
		Type       string         `json:"type"`
		X          int            `json:"x"`
		Y          int            `json:"y"`
		Width      int            `json:"width"`
		Height     int            `json:"height"`
		Properties map[string]any `json:"properties"`
	}
	panels := GlobalAPIPerformance(p).Panels
	if len(p.SLOs) > 0 {
		// The SLO rows go below the API panels.
		bottom := 0
		for _, pn := range panels {
			bottom = max(bottom, pn.GridPos.Y+pn.GridPos.H)
		}
		for _, pn := range SLOOverview(p).Panels {
			pn.GridPos.Y += bottom
			panels = append(panels, pn)
		}
	}
	var widgets []widget
	for _, pn := range panels {
		var metrics [][]any
		for _, t := range pn.Targets {
			q, ok := t.(*CloudWatchQuery)
			if !ok {
				return nil, fmt.Errorf("panel %q: target %s is not a CloudWatch query", pn.Title, t.refID())
			}
			if q.Expression != "" {
				metrics = append(metrics, []any{map[string]any{"expression": q.Expression, "id": q.ID, "region": q.Region, "label": q.Label}})
				continue
			}
			row := []any{q.Namespace, q.MetricName}
			for _, k := range sortedKeys(q.Dimensions) {
				row = append(row, k, q.Dimensions[k][0])
			}
			opts := map[string]any{"region": q.Region, "label": q.Label, "stat": q.Statistic}
			if q.ID != "" {
				opts["id"] = q.ID
			}
			if q.Hide {
				opts["visible"] = false
			}
			row = append(row, opts)
			metrics = append(metrics, row)
		}
		// CloudWatch's grid is 24 wide like Grafana's; its rows are
		// shorter, so heights are scaled down.
		widgets = append(widgets, widget{
			Type: "metric", X: pn.GridPos.X, Y: pn.GridPos.Y * 3 / 4, Width: pn.GridPos.W, Height: pn.GridPos.H * 3 / 4,
			Properties: map[string]any{
				"title":   pn.Title,
				"view":    "timeSeries",
				"stacked": false,
				"region":  p.CentralRegion,
				"period":  periodSeconds,
				"metrics": metrics,
				"yAxis":   map[string]any{"left": map[string]any{"min": 0}},
			},
		})
	}
	b, err := json.Marshal(map[string]any{"widgets": widgets})
	if err != nil {
		return nil, fmt.Errorf("rendering CloudWatch dashboard body: %w", err)
	}
	return b, nil
}

func sortedKeys(d Dimensions) []string {
	keys := make([]string, 0, len(d))
	for k := range d {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
