package retention

import (
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
)

func TestNearestPrefersLongerOnTie(t *testing.T) {
	for in, want := range map[int]int{0: 1, 2: 3, 10: 7, 12: 14, 45: 60, 4000: 3653, 30: 30, 6: 7} {
		if got := Nearest(in); got != want {
			t.Errorf("Nearest(%d) = %d, want %d", in, got, want)
		}
	}
}

func TestEnumCoversEveryAllowedValue(t *testing.T) {
	if len(enums) != len(AllowedDays) {
		t.Fatalf("%d enums for %d allowed values", len(enums), len(AllowedDays))
	}
	if Enum(30) != awslogs.RetentionDays_ONE_MONTH || Enum(7) != awslogs.RetentionDays_ONE_WEEK || Enum(3653) != awslogs.RetentionDays_TEN_YEARS {
		t.Fatal("Enum maps days to the wrong CDK constant")
	}
	if Valid(10) || !Valid(400) {
		t.Fatal("Valid disagrees with CloudWatch's allowed set")
	}
}
