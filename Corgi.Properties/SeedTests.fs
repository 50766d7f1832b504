/// The seed's (the Rust crate corgi's README) dynamic-graph example, in F#.
module Corgi.Properties.SeedTests

open Xunit
open Corgi

let private gradientOf (t: Tensor) =
    match t.Gradient with
    | null -> invalidOp $"no gradient reached the tensor {t}"
    | g -> g

[<Fact>]
let ``dynamic graph example gives the README's values`` () =
    let a = Tensor.Of(5.0).Tracked()
    let b = Tensor.Of(2.0).Tracked()
    let mutable c = Tensor.Of(0.0).Tracked()
    for _ in 1..10 do
        c <- c + a * b
        if c.[0] > 50.0 then c <- c * a
    // By hand: c goes 10, 20, 30, 40, 50, 60*5 = 300, 310*5 = 1550, 7800, 39050, 195300 (multiplying from the 6th
    // step on, when c first exceeds 50); the README states c = 195300 and the gradients below.
    Assert.Equal(Tensor.Of 195300.0, c.Untracked())
    c.Backward()
    Assert.Equal(Tensor.Of 1.0, gradientOf c)
    Assert.Equal(Tensor.Of 97650.0, gradientOf b)
    Assert.Equal(Tensor.Of 232420.0, gradientOf a)

[<Fact>]
let ``dynamic graph example passes the gradient check`` () =
    // the same program as a function of (a, b), checked against central differences
    let program (a: Tensor) (b: Tensor) =
        let mutable c = Tensor.Of(0.0)
        for _ in 1..10 do
            c <- c + a * b
            if c.[0] > 50.0 then c <- c * a
        c
    // Not at the README's point (5, 2): there c is exactly 50 after five steps, on the edge of the branch
    // `c > 50`, so f(b + h) and f(b - h) take different branches and the difference quotient measures a jump
    // (3e11), not a derivative. At (5, 1.9) c is 47.5 then 57: both perturbations take the same branches.
    let report = Corgi.FSharp.Check.gradient2 program (Tensor.Of 5.0) (Tensor.Of 1.9)
    Assert.True(report.Passed, report.Summary)

[<Fact>]
let ``dynamic graph example is exact in float32`` () =
    // 195300, 97650 and 232420 are below 2^24 = 16777216, so float32 holds them exactly, and every
    // intermediate (10, 20, ..., 300, 1550, 7800, 39050; the gradients' partial sums) is an integer below
    // 2^24 too: float32 arithmetic is exact here and must give the README's values, in float32.
    let a = Tensor.Of(5.0f).Tracked()
    let b = Tensor.Of(2.0f).Tracked()
    let mutable c = Tensor.Of(0.0f).Tracked()
    for _ in 1..10 do
        c <- c + a * b
        if c.[0] > 50.0 then c <- c * a
    Assert.Equal(DType.Float32, c.DType)
    Assert.Equal(Tensor.Of 195300.0f, c.Untracked())
    c.Backward()
    Assert.Equal(Tensor.Of 1.0f, gradientOf c)
    Assert.Equal(Tensor.Of 97650.0f, gradientOf b)
    Assert.Equal(Tensor.Of 232420.0f, gradientOf a)
    Assert.Equal<float32[]>([| 232420.0f |], (gradientOf a).ToArray<float32>())

[<Fact>]
let ``dynamic graph example passes the gradient check in float32`` () =
    let program (a: Tensor) (b: Tensor) =
        let mutable c = Tensor.Of(0.0f)
        for _ in 1..10 do
            c <- c + a * b
            if c.[0] > 50.0 then c <- c * a
        c
    let report = Corgi.FSharp.Check.gradient2 program (Tensor.Of 5.0f) (Tensor.Of 1.9f)
    Assert.True(report.Passed, report.Summary)
    Assert.Equal(DType.Float32, report.DType)
