// Command fn is the consumer's own Lambda, built by our bundler from the
// consumer's module.
package main

import (
	"context"

	"github.com/aws/aws-lambda-go/lambda"
)

func main() {
	lambda.Start(func(ctx context.Context) (string, error) { return "ok", nil })
}
