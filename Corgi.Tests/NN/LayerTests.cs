using System;
using Corgi.NN;
using Xunit;
using static Corgi.Tests.NnTestUtil;

namespace Corgi.Tests.NN;

public class LayerTests
{
    [Fact]
    public void DenseComputesXWTransposePlusBias()
    {
        var dense = new Dense(2, 3, Initializer.Zeros());
        dense.Weights.Value = T(new[] { 3, 2 }, 1, 2, 3, 4, 5, 6);
        dense.Bias!.Value = Tensor.Of(1, 0, -1);
        // x·Wᵀ: row [1,1] -> [1+2, 3+4, 5+6] = [3,7,11]; row [2,-1] -> [2-2, 6-4, 10-6] = [0,2,4]; plus b
        var y = dense.Forward(T(new[] { 2, 2 }, 1, 1, 2, -1));
        Close(new[] { 2, 3 }, new double[] { 4, 7, 10, 1, 2, 3 }, y);
        Assert.Equal(2, dense.Parameters.Count);
    }

    [Fact]
    public void DenseAppliesItsActivationAndGradientsReachTheParameters()
    {
        var dense = new Dense(2, 3, Initializer.Zeros(), Activation.Relu());
        dense.Weights.Value = T(new[] { 3, 2 }, 1, 2, 3, 4, 5, 6);
        dense.Bias!.Value = Tensor.Of(-4, 0, 0);
        var x = T(new[] { 1, 2 }, 1, 1);
        // pre-activation [3-4, 7, 11] = [-1, 7, 11]; relu -> [0, 7, 11]
        var y = dense.Forward(x);
        Close(new double[] { 0, 7, 11 }, y);
        y.Sum().Backward();
        // dL/dW[o,i] = relu'(z_o) · x_i: row 0 is 0 (z < 0), rows 1 and 2 are x = [1,1]; dL/db = relu' = [0,1,1]
        Close(new double[] { 0, 0, 1, 1, 1, 1 }, dense.Weights.Gradient!);
        Close(new double[] { 0, 1, 1 }, dense.Bias.Gradient!);
    }

    [Fact]
    public void DenseInitializationFollowsTheSeed()
    {
        // the seed's He: weights and bias uniform in ±sqrt(2/fan_in) = ±sqrt(2/50) = ±0.2
        var dense = new Dense(50, 40, Initializer.He(seed: 1));
        foreach (var v in dense.Weights.Value.AsSpan()) Assert.InRange(v, -0.2, 0.2);
        foreach (var v in dense.Bias!.Value.AsSpan()) Assert.InRange(v, -0.2, 0.2);
        Assert.Equal(new[] { 40, 50 }, dense.Weights.Shape);
        Assert.True(dense.Weights.Value.IsTracked);
        var again = new Dense(50, 40, Initializer.He(seed: 1));
        Assert.Equal(dense.Weights.Value.ToArray(), again.Weights.Value.ToArray());
        Assert.Null(new Dense(3, 2, Initializer.He(seed: 1), bias: false).Bias);
    }

    [Fact]
    public void DenseRejectsAWrongInputSize()
    {
        var e = Assert.Throws<TensorShapeException>(() => new Dense(3, 2, Initializer.Zeros()).Forward(Tensor.Zeros(4, 5)));
        Assert.Contains("dense", e.Message);
        Assert.Contains("[4,5]", e.Message);
    }

    [Fact]
    public void ConvLayerValuesAndShapes()
    {
        // filters and bias all 1: every output is the sum of its 2x2 window + 1:
        // windows of 1..9: 1+2+4+5 = 12, 16, 24, 28 -> [13, 17, 25, 29], the same for both filters
        var conv = new Conv(1, 2, kernelSize: 2, initializer: Initializer.Constant(1));
        var y = conv.Forward(T(new[] { 1, 1, 3, 3 }, 1, 2, 3, 4, 5, 6, 7, 8, 9));
        Close(new[] { 1, 2, 2, 2 }, new double[] { 13, 17, 25, 29, 13, 17, 25, 29 }, y);

        // [N=4, C=3, 9, 9] with 5 filters 3x3, stride 2, padding 1: (9 + 2 - 3)/2 + 1 = 5
        var big = new Conv(3, 5, 3, stride: 2, padding: 1, initializer: Initializer.He(seed: 1), activation: Activation.Relu());
        Assert.Equal(new[] { 4, 5, 5, 5 }, big.Forward(Tensor.RandomNormal(new[] { 4, 3, 9, 9 }, seed: 2)).Shape);
        Assert.Equal(new[] { 5, 3, 3, 3 }, big.Filters.Shape);
        Assert.Equal(new[] { 5 }, big.Bias!.Shape);
        // He: fan-in 3·3·3 = 27 -> bound sqrt(2/27)
        foreach (var v in big.Filters.Value.AsSpan()) Assert.InRange(v, -Math.Sqrt(2.0 / 27), Math.Sqrt(2.0 / 27));
    }

    [Fact]
    public void ConvLayerFusesReluAndKeepsOtherActivations()
    {
        // filters all 1, bias -20: pre-activations are the 2x2 window sums of 1..9 minus 20:
        // [12, 16, 24, 28] - 20 = [-8, -4, 4, 8], so relu gives [0, 0, 4, 8]
        var x = T(new[] { 1, 1, 3, 3 }, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        var relu = new Conv(1, 1, kernelSize: 2, initializer: Initializer.Constant(1), activation: Activation.Relu(),
            biasInitializer: Initializer.Constant(-20));
        var y = relu.Forward(x);
        Close(new[] { 1, 1, 2, 2 }, new double[] { 0, 0, 4, 8 }, y);
        Assert.Equal("conv2d_relu", y.Node!.Op);
        Assert.Same(Activation.Relu(), Activation.Relu());
        // sum(y): only the bottom windows [[4,5],[7,8]] and [[5,6],[8,9]] pass: dw = [9, 11, 15, 17], db = 2
        y.Sum().Backward();
        Close(new double[] { 9, 11, 15, 17 }, relu.Filters.Value.Gradient!);
        Close(new double[] { 2 }, relu.Bias!.Value.Gradient!);

        // a hand-made relu and any other activation run after a plain conv2d, with the same values
        var handMade = new Conv(1, 1, kernelSize: 2, initializer: Initializer.Constant(1),
            activation: new Activation("relu", t => t.Relu()), biasInitializer: Initializer.Constant(-20));
        var z = handMade.Forward(x);
        Close(new[] { 1, 1, 2, 2 }, new double[] { 0, 0, 4, 8 }, z);
        Assert.Equal("relu", z.Node!.Op);
        var negated = new Conv(1, 1, kernelSize: 2, initializer: Initializer.Constant(1),
            activation: new Activation("neg", t => -t), biasInitializer: Initializer.Constant(-20));
        Close(new[] { 1, 1, 2, 2 }, new double[] { 8, 4, -4, -8 }, negated.Forward(x));
    }

    [Fact]
    public void ConvLayerSeedForm()
    {
        // the seed's (filters, depth, rows, cols) and (stride rows, stride cols); 16 filters 3x3 stride 2 on 9x9 -> 4x4
        var conv = new Conv((16, 3, 3, 3), (2, 2), initializer: Initializer.He(seed: 3));
        Assert.Equal(new[] { 2, 16, 4, 4 }, conv.Forward(Tensor.Zeros(2, 3, 9, 9)).Shape);
    }

    [Fact]
    public void PoolingAndFlattenLayers()
    {
        var x = T(new[] { 1, 1, 4, 4 }, 1, 3, 2, 0, 4, 2, 1, 5, 0, 1, 7, 2, 6, 3, 4, 8);
        // window maxima 4, 5, 6, 8 and means 2.5, 2, 2.5, 5.25 (see PoolingTests)
        Close(new[] { 1, 1, 2, 2 }, new double[] { 4, 5, 6, 8 }, new MaxPool(2).Forward(x));
        Close(new[] { 1, 1, 2, 2 }, new double[] { 2.5, 2, 2.5, 5.25 }, new AvgPool(2).Forward(x));
        Assert.Empty(new MaxPool(2).Parameters);

        var f = new Flatten().Forward(Tensor.Arange(24).Reshape(2, 3, 2, 2));
        Close(new[] { 2, 12 }, Tensor.Arange(24).ToArray(), f);
        Assert.Equal(new[] { 5, 1 }, new Flatten().Forward(Tensor.Zeros(5)).Shape);
    }

    [Fact]
    public void DropoutLayerTrainsAndEvaluates()
    {
        var layer = new Dropout(0.5, seed: 1);
        var x = Tensor.Ones(200);
        var train = layer.Forward(x);
        foreach (var v in train.AsSpan()) Assert.True(v == 0 || v == 2);
        layer.Training = false;
        Assert.Same(x, layer.Forward(x));
    }

    [Fact]
    public void SequentialComposesAndCollectsParameters()
    {
        var d1 = new Dense(2, 2, Initializer.Constant(1));
        var d2 = new Dense(2, 1, Initializer.Constant(1));
        var dropout = new Dropout(0.5, seed: 1);
        var seq = new Sequential(d1, dropout, d2);
        // evaluation: d1 gives [1+2+1, 1+2+1] = [4, 4]; d2 gives 4 + 4 + 1 = 9
        seq.Training = false;
        Assert.False(dropout.Training);
        Close(new[] { 1, 1 }, new double[] { 9 }, seq.Forward(T(new[] { 1, 2 }, 1, 2)));
        Assert.Equal(new[] { d1.Weights, d1.Bias!, d2.Weights, d2.Bias! }, seq.Parameters);
        // a layer used twice contributes its parameters once
        Assert.Equal(2, new Sequential(d1, d1).Parameters.Count);
    }

    [Fact]
    public void ParameterSlotReplacesWithoutWriting()
    {
        var p = new Parameter("w", Tensor.Of(1, 2));
        var old = p.Value;
        Assert.True(old.IsTracked && old.IsLeaf);
        p.Value = Tensor.Of(3, 4);
        Assert.Equal(new double[] { 1, 2 }, old.ToArray());
        Assert.Equal(new double[] { 3, 4 }, p.Value.ToArray());
        Assert.True(p.Value.IsTracked);
        // a graph result is detached into a fresh leaf
        p.Value = Tensor.Of(1, 1).Tracked().Mul(Tensor.Of(2, 2));
        Assert.True(p.Value.IsLeaf);
        Assert.Throws<TensorShapeException>(() => p.Value = Tensor.Of(1, 2, 3));
    }

    [Theory]
    [MemberData(nameof(DTypeData.Both), MemberType = typeof(DTypeData))]
    public void DenseInEitherDType(DType dtype)
    {
        // W = [[1, 2], [3, 4]], b = [0.5, -1]; x = [1, -1]: x·Wᵀ + b = [1 - 2 + 0.5, 3 - 4 - 1] = [-0.5, -2]
        var dense = new Dense(2, 2, Initializer.Constant(0), dtype: dtype);
        Assert.Equal(dtype, dense.Weights.Value.DType);
        Assert.Equal(dtype, dense.Bias!.Value.DType);
        dense.Weights.Value = Tensor.FromArray(new[] { 2, 2 }, new double[] { 1, 2, 3, 4 }, dtype);
        dense.Bias.Value = Tensor.FromArray(new[] { 2 }, new double[] { 0.5, -1 }, dtype);
        var y = dense.Forward(Tensor.FromArray(new[] { 1, 2 }, new double[] { 1, -1 }, dtype));
        Assert.Equal(dtype, y.DType);
        Close(new[] { 1, 2 }, new[] { -0.5, -2 }, y);
        // the gradient of sum(y) with respect to W is x in every row, in the weights' dtype
        y.Sum().Backward();
        Assert.Equal(dtype, dense.Weights.Gradient!.DType);
        Close(new[] { 1.0, -1, 1, -1 }, dense.Weights.Gradient);
    }

    [Theory]
    [MemberData(nameof(DTypeData.Both), MemberType = typeof(DTypeData))]
    public void ConvInEitherDType(DType dtype)
    {
        // one 2x2 filter of ones, bias 1, on a 3x3 image 1..9: window sums 12, 16, 24, 28, plus 1
        var conv = new Conv(1, 1, 2, initializer: Initializer.Constant(1), dtype: dtype);
        Assert.Equal(dtype, conv.Filters.Value.DType);
        Assert.Equal(dtype, conv.Bias!.Value.DType);
        var x = Tensor.FromArray(new[] { 1, 1, 3, 3 }, new double[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 }, dtype);
        var y = conv.Forward(x);
        Assert.Equal(dtype, y.DType);
        Close(new[] { 1, 1, 2, 2 }, new double[] { 13, 17, 25, 29 }, y);
    }

    [Theory]
    [MemberData(nameof(DTypeData.Both), MemberType = typeof(DTypeData))]
    public void ParameterFreeLayersKeepTheDType(DType dtype)
    {
        // [[1, 2], [3, 4]] pooled 2x2: max 4, average 2.5; flatten keeps the values; dropout at evaluation passes through
        var x = Tensor.FromArray(new[] { 1, 1, 2, 2 }, new double[] { 1, 2, 3, 4 }, dtype);
        var max = new MaxPool(2).Forward(x);
        var avg = new AvgPool(2).Forward(x);
        var flat = new Flatten().Forward(x);
        var drop = new Dropout(0.5, seed: 1) { Training = false }.Forward(x);
        var relu = Activation.Relu().Apply(x - 2.5);
        foreach (var t in new[] { max, avg, flat, drop, relu }) Assert.Equal(dtype, t.DType);
        Assert.Equal(4, max.GetFlat(0));
        Assert.Equal(2.5, avg.GetFlat(0));
        Assert.Equal(new double[] { 1, 2, 3, 4 }, flat.ToArray());
        Assert.Equal(new double[] { 0, 0, 0.5, 1.5 }, relu.ToArray());
    }

    [Fact]
    public void LayersUseTheDefaultDTypeWhenNoneIsGiven()
    {
        using (Tensor.DefaultDTypeScope(DType.Float32))
        {
            Assert.Equal(DType.Float32, new Dense(2, 3).Weights.Value.DType);
            Assert.Equal(DType.Float32, new Conv(1, 2, 3).Filters.Value.DType);
        }
        Assert.Equal(DType.Float64, new Dense(2, 3).Weights.Value.DType);
    }
}
