module github.com/o11yscale/o11yscale/test

go 1.26

replace github.com/o11yscale/o11yscale => ../

// cdk-nag-go v2.38.2 requires constructs v10.5.1, with which awscdk v2.220.0
// does not compile (TOOLCHAIN.md). The library module cannot carry this
// replace for its users, so it lives here, in the test module only.
replace github.com/aws/constructs-go/constructs/v10 => github.com/aws/constructs-go/constructs/v10 v10.4.2
