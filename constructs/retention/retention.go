// Package retention knows CloudWatch Logs' allowed retention periods, so
// every construct validates them at synth instead of failing at deploy.
package retention

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
)

// AllowedDays are the RetentionInDays values CloudWatch Logs accepts.
var AllowedDays = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

var enums = []awslogs.RetentionDays{
	awslogs.RetentionDays_ONE_DAY, awslogs.RetentionDays_THREE_DAYS, awslogs.RetentionDays_FIVE_DAYS,
	awslogs.RetentionDays_ONE_WEEK, awslogs.RetentionDays_TWO_WEEKS, awslogs.RetentionDays_ONE_MONTH,
	awslogs.RetentionDays_TWO_MONTHS, awslogs.RetentionDays_THREE_MONTHS, awslogs.RetentionDays_FOUR_MONTHS,
	awslogs.RetentionDays_FIVE_MONTHS, awslogs.RetentionDays_SIX_MONTHS, awslogs.RetentionDays_ONE_YEAR,
	awslogs.RetentionDays_THIRTEEN_MONTHS, awslogs.RetentionDays_EIGHTEEN_MONTHS, awslogs.RetentionDays_TWO_YEARS,
	awslogs.RetentionDays_THREE_YEARS, awslogs.RetentionDays_FIVE_YEARS, awslogs.RetentionDays_SIX_YEARS,
	awslogs.RetentionDays_SEVEN_YEARS, awslogs.RetentionDays_EIGHT_YEARS, awslogs.RetentionDays_NINE_YEARS,
	awslogs.RetentionDays_TEN_YEARS,
}

// Valid reports whether days is an allowed retention.
func Valid(days int) bool { return index(days) >= 0 }

func index(days int) int {
	for i, d := range AllowedDays {
		if d == days {
			return i
		}
	}
	return -1
}

// Nearest returns the allowed retention closest to days, preferring the
// longer one on a tie so data is never kept for less than asked.
func Nearest(days int) int {
	best := AllowedDays[0]
	for _, d := range AllowedDays {
		if abs(d-days) < abs(best-days) || (abs(d-days) == abs(best-days) && d > best) {
			best = d
		}
	}
	return best
}

// Allowed describes the allowed values and the nearest one to days, for
// validation messages.
func Allowed(days int) string {
	return fmt.Sprintf("one of %v days (nearest allowed: %d)", AllowedDays, Nearest(days))
}

// Enum converts allowed days to the CDK enum. It panics on a value that
// Valid rejects; callers validate first.
func Enum(days int) awslogs.RetentionDays {
	i := index(days)
	if i < 0 {
		panic(fmt.Sprintf("retention: %d days is not allowed; %s", days, Allowed(days)))
	}
	return enums[i]
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
