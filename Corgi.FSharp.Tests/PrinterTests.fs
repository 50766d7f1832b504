/// Tests of Tensor.format / formatIndented (Corgi.FSharp/Tensor.fs) and of what `%A` shows. (F# Interactive
/// uses a printer of its own, registered by the core: Corgi.Tests/TensorInteractiveTests.cs and
/// scripts/check-fsi-printing.sh.) The expected strings follow the core's PyTorch-like rules (Corgi.Core/Tensor.Format.cs):
/// integral values print as "1.", others with 4 decimals, columns padded to the widest value, more than
/// 1000 elements elided to 3 at each end.
module Corgi.FSharp.Tests.PrinterTests

open Xunit
open Corgi.FSharp

[<Fact>]
let ``a small matrix prints on one line with its shape`` () =
    Assert.Equal("tensor([[1., 2.], [3., 4.]], shape=[2,2])", tensor [ [ 1.; 2. ]; [ 3.; 4. ] ] |> Tensor.format)

[<Fact>]
let ``a scalar prints without a shape`` () =
    Assert.Equal("tensor(3.5000)", tensor 3.5 |> Tensor.format)

[<Fact>]
let ``tracked tensors are marked, with gradient presence`` () =
    let x = tensor [ 1.; 2. ] |> Tensor.tracked
    Assert.Equal("tensor([1., 2.], shape=[2], tracked)", Tensor.format x)
    x |> Tensor.sum |> Tensor.backward
    Assert.Equal("tensor([1., 2.], shape=[2], tracked, has gradient)", Tensor.format x)

[<Fact>]
let ``an empty tensor shows its shape once`` () =
    Assert.Equal("tensor([], shape=[0])", tensor ([]: float list) |> Tensor.format)

[<Fact>]
let ``a rank-3 tensor prints on one line when short`` () =
    Assert.Equal(
        "tensor([[[1., 2.], [3., 4.]], [[5., 6.], [7., 8.]]], shape=[2,2,2])",
        tensor [ [ [ 1.; 2. ]; [ 3.; 4. ] ]; [ [ 5.; 6. ]; [ 7.; 8. ] ] ] |> Tensor.format)

[<Fact>]
let ``a large tensor is elided, keeps one row per line, and shows its shape once`` () =
    let big = Tensor.arange 2000 |> Tensor.reshape [ 2; 1000 ]
    let expected =
        "tensor([[   0.,    1.,    2., ...,  997.,  998.,  999.],\n"
        + "        [1000., 1001., 1002., ..., 1997., 1998., 1999.]], shape=[2,1000])"
    Assert.Equal(expected, Tensor.format big)
    // F# Interactive prints multi-line values on a new line indented by 2: formatIndented 2 shifts the rows to match
    Assert.Equal(expected.Replace("\n", "\n  "), Tensor.formatIndented 2 big)

[<Fact>]
let ``a wide matrix keeps rows on separate lines`` () =
    // 4 x 5 values of width 7 ("-1.2500" style): one line would exceed 72 characters
    let m = Tensor.full [ 4; 5 ] -1.25
    let row = "[-1.2500, -1.2500, -1.2500, -1.2500, -1.2500]"
    let expected = "tensor([" + row + ",\n        " + row + ",\n        " + row + ",\n        " + row + "], shape=[4,5])"
    Assert.Equal(expected, Tensor.format m)

[<Fact>]
let ``by default %A shows the core's ToString, with rows on separate lines and no shape`` () =
    let t = tensor [ [ 1.; 2. ]; [ 3.; 4. ] ]
    Assert.Equal("tensor([[1., 2.],\n        [3., 4.]])", sprintf "%A" t)
    Assert.Equal(t.ToString(), sprintf "%A" t)

[<Fact>]
let ``a float32 tensor shows its dtype after the shape and before the marks`` () =
    Assert.Equal("tensor([1., 2.], shape=[2], dtype=float32)", tensor [ 1.0f; 2.0f ] |> Tensor.format)
    let x = tensor [ [ 1.0f; 2.0f ]; [ 3.0f; 4.0f ] ] |> Tensor.tracked
    Assert.Equal("tensor([[1., 2.], [3., 4.]], shape=[2,2], dtype=float32, tracked)", Tensor.format x)
    Assert.Equal("tensor(3.5000, dtype=float32)", tensor 3.5f |> Tensor.format)

[<Fact>]
let ``float64 shows no dtype by default, and float64 does under a float32 default`` () =
    Assert.Equal("tensor([1., 2.], shape=[2])", tensor [ 1.; 2. ] |> Tensor.format)
    let text = Tensor.withDefaultDType Corgi.DType.Float32 (fun () -> tensor [ 1.; 2. ] |> Tensor.format)
    Assert.Equal("tensor([1., 2.], shape=[2], dtype=float64)", text)
