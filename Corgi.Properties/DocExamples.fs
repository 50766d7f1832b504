/// The F# examples of docs/verification.md, run so that they cannot rot.
module Corgi.Properties.DocExamples

open global.FsCheck
open global.FsCheck.FSharp
open global.FsCheck.Xunit
open global.Xunit
open Corgi
open Corgi.FSharp
open Corgi.FsCheck

let softClip (x: Tensor) =
    Tensor.Custom("soft_clip", [| x |],
        (fun xs -> xs.[0].Tanh() * 2.0),
        (fun xs _ g -> [| g * 2.0 * (1.0 - xs.[0].Tanh().Square()) |]))

[<Property(Arbitrary = [| typeof<Arbitraries> |], MaxTest = 200)>]
let ``soft clip has the right gradient`` (x: Tensor) =
    TensorProperty.gradient (fun xs -> (softClip xs.[0]).Sum()) [| x |]

[<Property(Arbitrary = [| typeof<Arbitraries> |])>]
let ``soft clip broadcasts like its definition`` (p: BroadcastPair) =
    TensorProperty.close 1e-15 0.0 (softClip (p.Left + p.Right)) ((p.Left + p.Right).Tanh() * 2.0)

[<Property(Arbitrary = [| typeof<Arbitraries> |])>]
let ``log of a positive tensor checks with a larger step`` (PositiveTensor x) =
    TensorProperty.gradientWith (Corgi.Verification.GradientCheckOptions.ForStepSize 1e-5) (fun xs -> xs.[0].Log().Sum()) [| x |]

[<Property(Arbitrary = [| typeof<Arbitraries> |], MaxTest = 50)>]
let ``a tanh after conv2d has the right gradient, whatever the stride and padding`` (c: Conv2dCase) =
    TensorProperty.gradient (fun xs -> (c.ConvolutionOf xs).Tanh().Sum()) c.Inputs

[<Fact>]
let ``the Check module examples`` () =
    let a = Tensor.FromArray([| 2; 3 |], [| 0.1; -0.4; 0.7; 1.2; -1.5; 0.3 |])
    let b = Tensor.FromArray([| 1; 3 |], [| 0.5; -0.2; 0.9 |])
    let report = Check.gradient2 (fun a b -> (a * b).Tanh().Sum()) a b
    Assert.True(report.Passed, report.Summary)
    Assert.True(Tensor.Of(1.0, 2.0, 3.0) |> Check.jacobian1 (fun x -> x.Softmax()) |> Check.passed)
    let hv =
        [ Tensor.Of(1.0, 2.0) ]
        |> Check.secondOrderAlong [ Tensor.Of(1.0, 1.0) ] (fun xs -> xs.Head.Pow(3.0).Sum())
        |> fun r -> r.AnalyticDerivatives.[0]
    // H = diag(6x) at x = (1, 2), v = (1, 1): H v = (6, 12)
    Assert.Equal(Tensor.Of(6.0, 12.0), hv)
    // the list form and the Jacobian/second-order forms on several inputs
    Assert.True(Check.gradient (fun xs -> (xs.[0] * xs.[1]).Sum()) [ a; b ] |> Check.passed)
    Assert.True(Check.jacobian (fun xs -> xs.[0] * xs.[1]) [ a; b ] |> Check.passed)
    Assert.True(Check.secondOrder (fun xs -> (xs.[0] * xs.[1]).Exp().Sum()) [ a; b ] |> Check.passed)
    Assert.True(Check.secondOrder1 (fun x -> x.Sigmoid().Sum()) a |> Check.passed)
    Assert.True(Check.gradientWith (Check.options 1e-5) (fun xs -> xs.[0].Exp().Sum()) [ a ] |> Check.passed)
    Assert.Contains("passed", Check.summary (Check.gradient1 (fun x -> x.Sum()) a))
