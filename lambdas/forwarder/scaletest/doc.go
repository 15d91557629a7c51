// Package scaletest forwards 10,000 metrics x 5 datapoints through the
// forwarder against moto_server and counts the API calls. It holds only
// tests; it is its own package so that this long test runs beside the
// forwarder's other integration tests rather than after them.
package scaletest
