package diagram

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeAssembly writes a two-stack assembly: a regional stack whose nested
// stack subscribes log groups to a router that writes to Firehose -> S3,
// alarms on a topic named in an ARN, a forwarder naming the central stream
// in its config, a metric stream; and a central stream -> Firehose -> S3.
func writeAssembly(t *testing.T) string {
	dir := t.TempDir()
	write := func(name string, v any) {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	type m = map[string]any
	res := func(typ string, props m) m { return m{"Type": typ, "Properties": props} }
	ref := func(id string) m { return m{"Ref": id} }
	arn := func(id string) m { return m{"Fn::GetAtt": []any{id, "Arn"}} }
	write("manifest.json", m{"artifacts": m{
		"app-eu": m{"type": "aws:cloudformation:stack", "environment": "aws://111122223333/eu-west-1", "dependencies": []string{"app-eu.assets"},
			"properties": m{"templateFile": "app-eu.template.json", "stackName": "app-eu"}},
		"app-eu.assets": m{"type": "cdk:asset-manifest", "properties": m{"file": "app-eu.assets.json"}},
		"central":       m{"type": "aws:cloudformation:stack", "environment": "aws://111122223333/us-east-1", "properties": m{"templateFile": "central.template.json"}},
		"tree":          m{"type": "cdk:tree"},
	}})
	write("app-eu.assets.json", m{"files": m{"abc123": m{"source": m{"path": "appeuShard.nested.template.json"}}}})
	write("app-eu.template.json", m{"Resources": m{
		"ShardNestedStackShardNestedStackResourceAAAAAAAA": res("AWS::CloudFormation::Stack", m{
			"TemplateURL": m{"Fn::Join": []any{"", []any{"https://s3.", ref("AWS::URLSuffix"), "/bucket/abc123.json"}}},
			"Parameters":  m{"routerArn": arn("LogRouterFunction48B57DCA")}}),
		"LogRouterFunction48B57DCA": res("AWS::Lambda::Function", m{"Environment": m{"Variables": m{"STREAM": ref("Archive11111111")}}}),
		"Archive11111111":           res("AWS::KinesisFirehose::DeliveryStream", m{"ExtendedS3DestinationConfiguration": m{"BucketARN": arn("ArchiveBucket22222222")}}),
		"ArchiveBucket22222222":     res("AWS::S3::Bucket", nil),
		"UnusedBucket33333333":      res("AWS::S3::Bucket", nil),
		"AlertsTopic44444444":       res("AWS::SNS::Topic", m{"TopicName": "app-alerts"}),
		"Enricher55555555":          res("AWS::Lambda::Function", m{"Environment": m{"Variables": m{"TOPIC": ref("Incidents66666666")}}}),
		"Incidents66666666":         res("AWS::SNS::Topic", m{"TopicName": "app-incidents"}),
		"Sub77777777":               res("AWS::SNS::Subscription", m{"TopicArn": ref("AlertsTopic44444444"), "Endpoint": arn("Enricher55555555"), "Protocol": "lambda"}),
		"ForwarderFunction88888888": res("AWS::Lambda::Function", m{"Environment": m{"Variables": m{"CONFIG": `{"streamName":"app-metrics","roleArn":"arn:aws:iam::1:role/app-metrics-writer"}`}}}),
		"Stream99999999":            res("AWS::CloudWatch::MetricStream", m{"FirehoseArn": arn("Archive11111111")}),
	}})
	alarmAction := []any{m{"Fn::Join": []any{"", []any{"arn:aws:sns:eu-west-1:", ref("AWS::AccountId"), ":app-alerts"}}}}
	write("appeuShard.nested.template.json", m{
		"Parameters": m{"routerArn": m{"Type": "String"}},
		"Resources": m{
			"aLogsAAAAAAAA": res("AWS::Logs::LogGroup", nil),
			"bLogsBBBBBBBB": res("AWS::Logs::LogGroup", nil),
			"aSubCCCCCCCC":  res("AWS::Logs::SubscriptionFilter", m{"LogGroupName": ref("aLogsAAAAAAAA"), "DestinationArn": ref("routerArn")}),
			"bSubDDDDDDDD":  res("AWS::Logs::SubscriptionFilter", m{"LogGroupName": ref("bLogsBBBBBBBB"), "DestinationArn": ref("routerArn")}),
			"aAlarmEEEEEEE": res("AWS::CloudWatch::Alarm", nil),
			"aHealthFFFFFF": res("AWS::CloudWatch::CompositeAlarm", m{"AlarmRule": m{"Fn::Join": []any{"", []any{`ALARM("`, ref("aAlarmEEEEEEE"), `")`}}}, "AlarmActions": alarmAction}),
		}})
	write("central.template.json", m{"Resources": m{
		"MetricsStream06696F40":  res("AWS::Kinesis::Stream", m{"Name": "app-metrics"}),
		"Delivery12345678":       res("AWS::KinesisFirehose::DeliveryStream", m{"KinesisStreamSourceConfiguration": m{"KinesisStreamARN": arn("MetricsStream06696F40")}, "ExtendedS3DestinationConfiguration": m{"BucketARN": arn("MetricsArchiveABCDEF12")}}),
		"MetricsArchiveABCDEF12": res("AWS::S3::Bucket", nil),
	}})
	return dir
}

func edgeSet(g *Graph) map[string]bool {
	labels := map[string]string{}
	for _, n := range g.Nodes {
		labels[n.ID] = strings.ReplaceAll(n.Label(), "\n", " / ")
	}
	out := map[string]bool{}
	for _, e := range g.Edges {
		out[labels[e.From]+" -"+e.Label+"-> "+labels[e.To]] = true
	}
	return out
}

func TestFromAssemblyFindsEveryDataPathByTypesAndReferences(t *testing.T) {
	g, err := FromAssembly(writeAssembly(t))
	if err != nil {
		t.Fatal(err)
	}
	got := edgeSet(g)
	for _, want := range []string{
		"2 log groups -log events-> 2 subscription filters",
		"2 subscription filters -matching events-> log router / Lambda function",
		"log router / Lambda function -PutRecordBatch-> archive / Firehose stream",
		"archive / Firehose stream -delivers-> archive bucket / S3 bucket",
		"stream / CloudWatch metric stream -metric updates-> archive / Firehose stream",
		"2 alarms / (1 composite) -state changes-> app-alerts / SNS topic",
		"app-alerts / SNS topic -subscription-> enricher / Lambda function",
		"enricher / Lambda function -Publish-> app-incidents / SNS topic",
		"forwarder / Lambda function -PutRecords-> app-metrics / Kinesis data stream",
		"app-metrics / Kinesis data stream -reads-> delivery / Firehose stream",
		"delivery / Firehose stream -delivers-> metrics archive / S3 bucket",
	} {
		if !got[want] {
			t.Errorf("no edge %q; edges: %v", want, got)
		}
	}
	if len(got) != 11 {
		t.Errorf("%d edges, want 11: %v", len(got), got)
	}
	for _, n := range g.Nodes {
		if strings.Contains(n.Label(), "unused") {
			t.Errorf("a resource on no data path is drawn: %q", n.Label())
		}
	}
	if len(g.Stacks) != 2 || g.Stacks[0].Name != "app-eu" || g.Stacks[0].Account != "111122223333" || g.Stacks[0].Region != "eu-west-1" || g.Stacks[0].Resources != 17 || len(g.Stacks[0].Nested) != 1 {
		t.Errorf("stacks: %+v", g.Stacks[0])
	}
}

func TestSVGIsXMLWithEveryStackAndPathLabelledAndDeterministic(t *testing.T) {
	dir := writeAssembly(t)
	g, err := FromAssembly(dir)
	if err != nil {
		t.Fatal(err)
	}
	svg, err := g.SVG(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var text []string
	dec := xml.NewDecoder(bytes.NewReader(svg))
	dec.Strict = false
	in := false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("architecture.svg is not XML: %v", err)
		}
		switch x := tok.(type) {
		case xml.StartElement:
			in = x.Name.Local == "text"
		case xml.CharData:
			if in {
				text = append(text, string(x))
			}
		case xml.EndElement:
			in = false
		}
	}
	all := strings.Join(text, "|")
	for _, want := range []string{"stack app-eu", "stack central", "nested stack Shard", "account 111122223333", "region eu-west-1", "2 log groups", "log router", "PutRecords", "matching events", "delivers", "subscription"} {
		if !strings.Contains(all, want) {
			t.Errorf("svg has no text %q: %s", want, all)
		}
	}
	g2, _ := FromAssembly(dir)
	svg2, err := g2.SVG(context.Background())
	if err != nil || !bytes.Equal(svg, svg2) || !bytes.Equal(g.DOT(), g2.DOT()) || g.Mermaid() != g2.Mermaid() {
		t.Error("two renderings of one assembly differ")
	}
}

func TestStackWithoutDataPathIsStillDrawn(t *testing.T) {
	dir := writeAssembly(t)
	if err := os.WriteFile(filepath.Join(dir, "central.template.json"), []byte(`{"Resources":{"Key":{"Type":"AWS::KMS::Key"}}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	g, err := FromAssembly(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(g.DOT()), `label="1 resources, no data path"`) || !strings.Contains(g.Mermaid(), "stack central") {
		t.Errorf("the central stack is missing:\n%s", g.DOT())
	}
}

func TestFromAssemblyErrorsNameTheFile(t *testing.T) {
	if _, err := FromAssembly(t.TempDir()); err == nil || !strings.Contains(err.Error(), "manifest.json") {
		t.Errorf("err = %v", err)
	}
	dir := writeAssembly(t)
	os.WriteFile(filepath.Join(dir, "central.template.json"), []byte("{"), 0o644)
	if _, err := FromAssembly(dir); err == nil || !strings.Contains(err.Error(), "central.template.json") {
		t.Errorf("err = %v", err)
	}
}

func TestShortName(t *testing.T) {
	for in, want := range map[string]string{"LogRouterFunction48B57DCA": "log router", "AlertingEnricherFunctionD279AA73": "alerting enricher", "MetricsArchive5099F20B": "metrics archive", "S3Bucket": "s3 bucket"} {
		if got := shortName(in); got != want {
			t.Errorf("shortName(%q) = %q, want %q", in, got, want)
		}
	}
}

// writeSharded writes an assembly of one stack whose n nested stacks,
// Services01 to Servicesnn, each subscribe one log group to the stack's
// router.
func writeSharded(t *testing.T, n int) string {
	t.Helper()
	dir := t.TempDir()
	type m = map[string]any
	write := func(name string, v any) {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	res := func(typ string, props m) m { return m{"Type": typ, "Properties": props} }
	write("manifest.json", m{"artifacts": m{
		"app": m{"type": "aws:cloudformation:stack", "environment": "aws://111122223333/eu-west-1", "dependencies": []string{"app.assets"},
			"properties": m{"templateFile": "app.template.json", "stackName": "app"}},
		"app.assets": m{"type": "cdk:asset-manifest", "properties": m{"file": "app.assets.json"}},
	}})
	top := m{"RouterFunction11111111": res("AWS::Lambda::Function", nil)}
	files := m{}
	for i := 1; i <= n; i++ {
		shard, hash := fmt.Sprintf("Services%02d", i), fmt.Sprintf("hash%d", i)
		top[shard+"NestedStack"+shard+"NestedStackResourceAAAAAAAA"] = res("AWS::CloudFormation::Stack", m{
			"TemplateURL": m{"Fn::Join": []any{"", []any{"https://s3.", m{"Ref": "AWS::URLSuffix"}, "/bucket/" + hash + ".json"}}},
			"Parameters":  m{"routerArn": m{"Fn::GetAtt": []any{"RouterFunction11111111", "Arn"}}}})
		files[hash] = m{"source": m{"path": shard + ".nested.template.json"}}
		write(shard+".nested.template.json", m{"Parameters": m{"routerArn": m{"Type": "String"}}, "Resources": m{
			"LogsAAAAAAAA": res("AWS::Logs::LogGroup", nil),
			"SubBBBBBBBB":  res("AWS::Logs::SubscriptionFilter", m{"LogGroupName": m{"Ref": "LogsAAAAAAAA"}, "DestinationArn": m{"Ref": "routerArn"}}),
		}})
	}
	write("app.template.json", m{"Resources": top})
	write("app.assets.json", m{"files": files})
	return dir
}

func logGroupNodes(g *Graph) map[string]int {
	out := map[string]int{}
	for _, n := range g.Nodes {
		if n.Kind == "log groups" {
			out[n.Shard] += n.Count
		}
	}
	return out
}

func TestFourNestedStacksOfAStackAreOneBox(t *testing.T) {
	n := 4
	g, err := FromAssembly(writeSharded(t, n))
	if err != nil {
		t.Fatal(err)
	}
	box := fmt.Sprintf("%d nested stacks Services01 … Services%02d", n, n)
	if got := logGroupNodes(g); len(got) != 1 || got[box] != n {
		t.Errorf("log group nodes by nested stack: %v, want one node of %d in %q", got, n, box)
	}
	dot := string(g.DOT())
	if strings.Count(dot, "subgraph ") != 4 || !strings.Contains(dot, `label="`+box+`\l"`) || strings.Contains(dot, "nested stack Services02") {
		t.Errorf("want one box %q inside the account, region and stack boxes:\n%s", box, dot)
	}
	if !strings.Contains(dot, fmt.Sprintf(`label="%d log groups"`, n)) || !strings.Contains(dot, fmt.Sprintf(`label="%d subscription filters"`, n)) {
		t.Errorf("the box does not count the nested stacks' resources:\n%s", dot)
	}
}

func TestThreeNestedStacksOfAStackStaySeparate(t *testing.T) {
	const n = 3
	g, err := FromAssembly(writeSharded(t, n))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{}
	for i := 1; i <= n; i++ {
		want[fmt.Sprintf("Services%02d", i)] = 1
	}
	if got := logGroupNodes(g); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("log group nodes by nested stack: %v, want %v", got, want)
	}
	dot := string(g.DOT())
	for i := 1; i <= n; i++ {
		if !strings.Contains(dot, fmt.Sprintf(`label="nested stack Services%02d\l"`, i)) {
			t.Errorf("no box for nested stack Services%02d:\n%s", i, dot)
		}
	}
	if strings.Contains(dot, " nested stacks ") {
		t.Errorf("nested stacks drawn as one box:\n%s", dot)
	}
}

// The layout rules that keep labels off box titles: titles at the top
// left, a nested stack's nodes that feed the rest of the stack in one
// column, and a label of an edge between stacks next to its tail.
func TestDOTKeepsEdgeLabelsOffBoxTitles(t *testing.T) {
	g, err := FromAssembly(writeAssembly(t))
	if err != nil {
		t.Fatal(err)
	}
	dot := string(g.DOT())
	for _, want := range []string{
		`label="stack app-eu\l17 resources in 2 templates\l"; labeljust=l;`,
		`{rank=same; "app-eu/Shard/alarms"; "app-eu/Shard/subscription filters"}`,
		`"app-eu//ForwarderFunction88888888" -> "central//MetricsStream06696F40" [tailport=e, labeldistance=4, labelangle=-20, taillabel="PutRecords"];`,
		`"app-eu//LogRouterFunction48B57DCA" -> "app-eu//Archive11111111" [label="PutRecordBatch"];`,
	} {
		if !strings.Contains(dot, want) {
			t.Errorf("DOT lacks %s:\n%s", want, dot)
		}
	}
}

// A Firehose stream delivering to another stack's bucket names it in an
// ARN; with an environment-agnostic account both are Fn::Joins.
func TestFirehoseFindsAnotherStacksBucketByItsJoinedName(t *testing.T) {
	dir := writeAssembly(t)
	type m = map[string]any
	acct := m{"Ref": "AWS::AccountId"}
	central := m{"Resources": m{
		"MetricsArchiveABCDEF12": m{"Type": "AWS::S3::Bucket", "Properties": m{"BucketName": m{"Fn::Join": []any{"", []any{"app-metrics-", acct, "-us-east-1"}}}}},
		"OtherBucket12345678":    m{"Type": "AWS::S3::Bucket", "Properties": m{"BucketName": m{"Fn::Join": []any{"", []any{"app-metrics-", acct, "-eu-west-1"}}}}},
	}}
	b, _ := json.Marshal(central)
	if err := os.WriteFile(filepath.Join(dir, "central.template.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	tb, err := os.ReadFile(filepath.Join(dir, "app-eu.template.json"))
	if err != nil {
		t.Fatal(err)
	}
	var app m
	json.Unmarshal(tb, &app)
	app["Resources"].(m)["Archive11111111"].(m)["Properties"] = m{"ExtendedS3DestinationConfiguration": m{
		"BucketARN": m{"Fn::Join": []any{"", []any{"arn:", m{"Ref": "AWS::Partition"}, ":s3:::app-metrics-", acct, "-us-east-1"}}}}}
	tb, _ = json.Marshal(app)
	os.WriteFile(filepath.Join(dir, "app-eu.template.json"), tb, 0o644)
	g, err := FromAssembly(dir)
	if err != nil {
		t.Fatal(err)
	}
	got := edgeSet(g)
	if !got["archive / Firehose stream -delivers-> metrics archive / S3 bucket"] {
		t.Errorf("no delivery to the central bucket: %v", got)
	}
	for e := range got {
		if strings.Contains(e, "other bucket") {
			t.Errorf("delivery to a bucket of another region: %s", e)
		}
	}
}
