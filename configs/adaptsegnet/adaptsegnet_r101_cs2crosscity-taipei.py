_base_ = ['./adaptsegnet_r101_cs2crosscity-rome.py']
train_dataloader = dict(dataset=dict(target=dict(city='Taipei')))
val_dataloader = dict(dataset=dict(city='Taipei'))
test_dataloader = val_dataloader
