using System;
using Corgi.Verification;
using Xunit;
using static Corgi.Tests.NnTestUtil;

namespace Corgi.Tests.Ops;

/// <summary>Tensor.LayerNorm: the fused op by hand, against its tensor-op definition, second order, and its errors.</summary>
public class NormalizationOpTests
{
    [Theory]
    [MemberData(nameof(DTypeData.Both), MemberType = typeof(DTypeData))]
    public void LayerNormByHand(DType dtype)
    {
        // x = [1, 2, 3, 6]: mean 3, centered [-2, -1, 0, 3], biased variance 14/4 = 3.5, r = 1/sqrt(3.5);
        // x̂ = centered·r = [-1.0690449676496976, -0.5345224838248488, 0, 1.6035674514745464]. γ = [2, 1, 1, 1], β = [0, 0, 0, 0.5].
        // Loss y[0]: ĝ = g γ = [2, 0, 0, 0], mean(ĝ) = 0.5, mean(ĝ x̂) = 2·(-1.0690449676496976)/4;
        // dx = r (ĝ - 0.5 - x̂ mean(ĝ x̂)) = [0.4963423064087881, -0.41998195157666696, -0.2672612419124244, 0.19090088708030317];
        // dγ = g x̂ = [-1.0690449676496976, 0, 0, 0]; dβ = g = [1, 0, 0, 0].
        double tol = dtype == DType.Float32 ? 1e-6 : 1e-15;
        var x = Tensor.FromArray(new[] { 1, 4 }, new double[] { 1, 2, 3, 6 }, dtype).Tracked();
        var gamma = Tensor.FromArray(new[] { 4 }, new double[] { 2, 1, 1, 1 }, dtype).Tracked();
        var beta = Tensor.FromArray(new[] { 4 }, new double[] { 0, 0, 0, 0.5 }, dtype).Tracked();
        var y = x.LayerNorm(new[] { 4 }, gamma, beta, eps: 0);
        Close(new[] { 2 * -1.0690449676496976, -0.5345224838248488, 0, 1.6035674514745464 + 0.5 }, y, tol);
        y.Narrow(1, 0, 1).Sum().Backward();
        Close(new[] { 0.4963423064087881, -0.41998195157666696, -0.2672612419124244, 0.19090088708030317 }, x.Gradient!, tol);
        Close(new[] { -1.0690449676496976, 0, 0, 0 }, gamma.Gradient!, tol);
        Close(new double[] { 1, 0, 0, 0 }, beta.Gradient!, tol);
    }

    public static TheoryData<DType, bool, bool, int> Cases()
    {
        var data = new TheoryData<DType, bool, bool, int>();
        foreach (var dtype in new[] { DType.Float64, DType.Float32 })
            foreach (bool weight in new[] { true, false })
                foreach (bool bias in new[] { true, false })
                    foreach (int dims in new[] { 1, 2 })
                        data.Add(dtype, weight, bias, dims);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void FusedOpEqualsItsTensorOpDefinition(DType dtype, bool hasWeight, bool hasBias, int dims)
    {
        // rows of 19 or 3 x 19 = 57 elements: whole SIMD vectors and a remainder
        int[] shape = dims == 1 ? new[] { 2, 5, 19 } : new[] { 2, 3, 19 };
        int[] normalized = dims == 1 ? new[] { 19 } : new[] { 3, 19 };
        int[] axes = dims == 1 ? new[] { 2 } : new[] { 1, 2 };
        var x = Tensor.RandomNormal(shape, 1, 0.5, 2, dtype);
        var w = Tensor.RandomNormal(normalized, 2, 1, 0.5, dtype);
        var b = Tensor.RandomNormal(normalized, 3, dtype: dtype);
        var upstream = Tensor.RandomNormal(shape, 4, dtype: dtype);

        var (x1, w1, b1) = (x.Detach().Tracked(), w.Detach().Tracked(), b.Detach().Tracked());
        var fused = x1.LayerNorm(normalized, hasWeight ? w1 : null, hasBias ? b1 : null);
        (fused * upstream).Sum().Backward();
        var (x2, w2, b2) = (x.Detach().Tracked(), w.Detach().Tracked(), b.Detach().Tracked());
        var reference = Tensor.LayerNormDefinition(x2, hasWeight ? w2 : null, hasBias ? b2 : null, axes, 1e-5);
        (reference * upstream).Sum().Backward();

        double tol = dtype == DType.Float32 ? 1e-5 : 1e-13;
        Close(reference.ToArray(), fused, tol);
        Close(x2.Gradient!.ToArray(), x1.Gradient!, tol);
        if (hasWeight) Close(w2.Gradient!.ToArray(), w1.Gradient!, tol);
        else Assert.Null(w1.Gradient);
        if (hasBias) Close(b2.Gradient!.ToArray(), b1.Gradient!, tol);
        else Assert.Null(b1.Gradient);
    }

    [Theory]
    [MemberData(nameof(DTypeData.Both), MemberType = typeof(DTypeData))]
    public void SecondOrderThroughTheCreateGraphBackward(DType dtype)
    {
        var inputs = new[]
        {
            Tensor.RandomNormal(new[] { 3, 5 }, 5, dtype: dtype),
            Tensor.RandomNormal(new[] { 5 }, 6, 1, 0.5, dtype),
            Tensor.RandomNormal(new[] { 5 }, 7, dtype: dtype),
        };
        var report = GradientChecker.CheckSecondOrder(t => t[0].LayerNorm(new[] { 5 }, t[1], t[2]).Tanh().Sum(),
            inputs, GradientCheckOptions.ForStepSize(1e-5));
        Assert.True(report.Passed, report.Summary);
    }

    [Fact]
    public void MixedDTypesPromoteThroughTheDefinition()
    {
        var y = Tensor.FromArray(new[] { 1, 2 }, new double[] { 1, 3 }, DType.Float32).LayerNorm(new[] { 2 }, Tensor.Ones(2), null, eps: 0);
        Assert.Equal(DType.Float64, y.DType);
        Close(new double[] { -1, 1 }, y, 1e-15);
    }

    [Fact]
    public void BadInputsNameTheOpAndTheShapes()
    {
        var x = Tensor.Zeros(2, 3);
        var e = Assert.Throws<TensorShapeException>(() => x.LayerNorm(new[] { 4 }));
        Assert.Contains("layer_norm", e.Message);
        Assert.Contains("[2,3]", e.Message);
        e = Assert.Throws<TensorShapeException>(() => x.LayerNorm(new[] { 3 }, Tensor.Ones(2)));
        Assert.Contains("weight of shape [2]", e.Message);
        Assert.Throws<TensorShapeException>(() => x.LayerNorm(new[] { 3 }, null, Tensor.Ones(3, 1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => x.LayerNorm(Array.Empty<int>()));
        Assert.Throws<ArgumentOutOfRangeException>(() => x.LayerNorm(new[] { 3 }, eps: -1));
        Assert.Throws<ArgumentNullException>(() => x.LayerNorm(null!));
    }
}
