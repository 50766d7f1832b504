module Corgi.FSharp.Tests.Assertions

open System
open Xunit
open Corgi.FSharp

/// Asserts the tensor's shape and that its values match within 1e-9 (relative to magnitude).
let assertTensor (shape: int list) (expected: float list) (actual: Tensor) =
    Assert.Equal<int list>(shape, Tensor.shape actual)
    let values = Tensor.toArray actual
    Assert.Equal(List.length expected, values.Length)
    List.iteri (fun i (e: float) ->
        let a = values[i]
        if not (Math.Abs(a - e) <= 1e-9 * Math.Max(1.0, Math.Abs e)) then
            failwithf "element %d: expected %g but got %g (tensor %s)" i e a (Tensor.format actual)) expected

/// Asserts that two tensors have the same shape and agree within a tolerance.
let assertClose (tolerance: float) (expected: Tensor) (actual: Tensor) =
    Assert.Equal<int list>(Tensor.shape expected, Tensor.shape actual)
    let e, a = Tensor.toArray expected, Tensor.toArray actual
    for i in 0 .. e.Length - 1 do
        if not (Math.Abs(a[i] - e[i]) <= tolerance * Math.Max(1.0, Math.Abs e[i])) then
            failwithf "element %d: expected %g but got %g" i e[i] a[i]

/// Asserts that the action throws an ArgumentException (or a subclass) whose message is exactly `message`
/// (ArgumentException appends " (Parameter '...')", which is cut off before comparing).
let assertArgumentError (message: string) (action: unit -> 'T) =
    let ex = Assert.ThrowsAny<ArgumentException>(fun () -> action () |> ignore)
    let text =
        match ex.Message.IndexOf(" (Parameter '", StringComparison.Ordinal) with
        | -1 -> ex.Message
        | i -> ex.Message.Substring(0, i)
    Assert.Equal(message, text)

/// Central finite-difference gradient of a scalar function (step 1e-6), for checking autodiff.
let finiteDifferenceGrad (f: Tensor -> Tensor) (x: Tensor) : Tensor =
    let values = Tensor.toArray x
    let shape = Tensor.shape x
    let h = 1e-6
    let at (v: float[]) = Tensor.create shape v |> f |> Tensor.item
    Array.init values.Length (fun i ->
        let plus = Array.copy values
        let minus = Array.copy values
        plus[i] <- plus[i] + h
        minus[i] <- minus[i] - h
        (at plus - at minus) / (2.0 * h))
    |> Tensor.create shape

/// Asserts the tensor's dtype.
let assertDType (dtype: Corgi.DType) (actual: Tensor) =
    if Tensor.dtype actual <> dtype then
        failwithf "expected a %s tensor but got %s (%s)" (dtype.ToString()) (Tensor.dtype actual |> string) (Tensor.format actual)
