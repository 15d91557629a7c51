// Command echo is a minimal Lambda used to test the lambdatest harness.
package main

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/aws/aws-lambda-go/lambda"
)

func main() {
	lambda.Start(func(ctx context.Context, in json.RawMessage) (json.RawMessage, error) {
		var v struct {
			Fail string `json:"fail"`
		}
		_ = json.Unmarshal(in, &v)
		if v.Fail != "" {
			return nil, errors.New(v.Fail)
		}
		return in, nil
	})
}
