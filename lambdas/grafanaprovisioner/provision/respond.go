package provision

import "github.com/o11yscale/o11yscale/lambdas/internal/cfnresponse"

// Response statuses.
const (
	StatusSuccess = cfnresponse.StatusSuccess
	StatusFailed  = cfnresponse.StatusFailed
)

// Response is the answer PUT to the pre-signed ResponseURL.
type Response = cfnresponse.Response
