// The seed's "fully-connected neural network (full version)", in C# with the same shape:
// initializer, activations, cost, optimizer, two Dense layers, a Model, and a loop of
// forward / backward / update that prints the loss.
//
// The seed leaves the data to the reader ("set inputs, and targets"); here each input row is random and
// its target is the one-hot position of the largest of its first `outputSize` features.
using System;
using Corgi;
using Corgi.NN;

const double learningRate = 0.1;
const int inputSize = 8, hiddenSize = 32, outputSize = 3, batchSize = 32, iterations = 300;
var random = new Random(7);

var initializer = Initializer.He(seed: 42);
var relu = Activation.Relu();
var softmax = Activation.Softmax();
var ce = Cost.CrossEntropy();
var gd = new GradientDescent(learningRate);
var l1 = new Dense(inputSize, hiddenSize, initializer, relu);
var l2 = new Dense(hiddenSize, outputSize, initializer, softmax);
var model = new Model(new ILayer[] { l1, l2 }, gd, ce);

double loss = 0;
for (int i = 0; i < iterations; i++)
{
    var input = new double[inputSize * batchSize];
    var target = new double[outputSize * batchSize];
    // set inputs, and targets
    // tensors in Corgi are never mutated after creation, so we initialise the values first
    for (int b = 0; b < batchSize; b++)
    {
        int best = 0;
        for (int j = 0; j < inputSize; j++)
        {
            input[b * inputSize + j] = random.NextDouble() * 2 - 1;
            if (j < outputSize && input[b * inputSize + j] > input[b * inputSize + best]) best = j;
        }
        target[b * outputSize + best] = 1;
    }
    var x = new Tensor(new[] { batchSize, inputSize }, input);
    var y = new Tensor(new[] { batchSize, outputSize }, target);

    var _result = model.Forward(x);
    loss = model.Backward(y);
    // update the parameters, and clear gradients (the backward pass only sets gradients)
    model.Update();
    if (i % 30 == 0 || i == iterations - 1) Console.WriteLine($"iteration {i,3}: loss: {loss:F6}");
}
Console.WriteLine($"final loss {loss:F4} (chance level is ln 3 = {Math.Log(3):F4})");
